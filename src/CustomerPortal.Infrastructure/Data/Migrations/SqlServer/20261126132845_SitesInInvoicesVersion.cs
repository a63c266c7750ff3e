using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SitesInInvoicesVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A site's name is shown with its invoices (the table, the custom amount's split), and what the page keeps of
            // them is kept under the customer's invoices version: renaming, moving or deleting a site moves it on too.
            migrationBuilder.SqlServerExec("""
                CREATE TRIGGER [TR_Sites_Version] ON [Sites] AFTER UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    UPDATE [t] SET [InvoicesVersion] =
                        CASE WHEN [t].[InvoicesVersion] = 0 THEN 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint)) ELSE [t].[InvoicesVersion] + 1 END
                    FROM [CustomerInvoiceTotals] AS [t]
                    WHERE [t].[CustomerId] IN (SELECT [CustomerId] FROM inserted UNION SELECT [CustomerId] FROM deleted);
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.SqlServerExec("DROP TRIGGER IF EXISTS [TR_Sites_Version];");
        }
    }
}
