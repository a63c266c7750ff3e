using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SitesVersionCoversTheirInvoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An invoice shows the name of the site it points at, which may be another customer's (a site moved since):
            // renaming or moving a site moves the version of its owner and of every customer with an invoice at it. A
            // change to anything else of a site (its address) is not shown with the invoices and moves nothing.
            migrationBuilder.SqlServerExec("DROP TRIGGER IF EXISTS [TR_Sites_Version];");
            migrationBuilder.SqlServerExec("""
                CREATE TRIGGER [TR_Sites_Version] ON [Sites] AFTER UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    IF EXISTS (SELECT 1 FROM inserted) AND NOT (UPDATE([Name]) OR UPDATE([CustomerId])) RETURN;
                    UPDATE [t] SET [InvoicesVersion] = CASE WHEN [t].[InvoicesVersion] = 0 THEN 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint)) ELSE [t].[InvoicesVersion] + 1 END
                    FROM [CustomerInvoiceTotals] AS [t]
                    WHERE [t].[CustomerId] IN (
                        SELECT [CustomerId] FROM inserted
                        UNION SELECT [CustomerId] FROM deleted
                        UNION SELECT [i].[CustomerId] FROM [Invoices] AS [i] INNER JOIN deleted AS [d] ON [i].[SiteId] = [d].[Id]);
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.SqlServerExec("DROP TRIGGER IF EXISTS [TR_Sites_Version];");
            migrationBuilder.SqlServerExec("""
                CREATE TRIGGER [TR_Sites_Version] ON [Sites] AFTER UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    UPDATE [t] SET [InvoicesVersion] = CASE WHEN [t].[InvoicesVersion] = 0 THEN 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint)) ELSE [t].[InvoicesVersion] + 1 END
                    FROM [CustomerInvoiceTotals] AS [t]
                    WHERE [t].[CustomerId] IN (SELECT [CustomerId] FROM inserted UNION SELECT [CustomerId] FROM deleted);
                END
                """);
        }
    }
}
