using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EnteredPaymentTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EnteredPaymentTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Token = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnteredPaymentTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnteredPaymentTokens_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EnteredPaymentTokens_CustomerId_UserId_Id",
                table: "EnteredPaymentTokens",
                columns: new[] { "CustomerId", "UserId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_EnteredPaymentTokens_Token",
                table: "EnteredPaymentTokens",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnteredPaymentTokens");
        }
    }
}
