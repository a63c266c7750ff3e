using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class OpenByCustomerOldestFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_OpenByCustomer",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_OpenByCustomer",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "MultiSiteInvoiceId", "InvoiceDate", "DueDate", "Number", "Id", "BalanceCents", "PendingCents" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_OpenByCustomer",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_OpenByCustomer",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "MultiSiteInvoiceId", "InvoiceDate", "DueDate", "BalanceCents", "PendingCents" });
        }
    }
}
