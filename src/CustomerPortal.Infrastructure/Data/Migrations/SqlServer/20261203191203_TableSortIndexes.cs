using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TableSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Invoices_ByBalanceCents",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "BalanceCents", "InvoiceDate", "DueDate", "Number", "Id", "PendingCents", "MultiSiteInvoiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_ByDueDate",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "DueDate", "InvoiceDate", "Number", "Id", "BalanceCents", "PendingCents", "MultiSiteInvoiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_ByNumber",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "Number", "InvoiceDate", "DueDate", "Id", "BalanceCents", "PendingCents", "MultiSiteInvoiceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_ByBalanceCents",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_ByDueDate",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_ByNumber",
                table: "Invoices");
        }
    }
}
