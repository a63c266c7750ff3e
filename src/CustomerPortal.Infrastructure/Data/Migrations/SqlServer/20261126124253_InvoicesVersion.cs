using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InvoicesVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "InvoicesVersion",
                table: "CustomerInvoiceTotals",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Every customer with invoices gets a row, and each row a random first version (0 means "not set yet": a
            // row the totals trigger creates starts there, and the first version bump gives it a random number).
            migrationBuilder.SqlServerExec("""
                INSERT INTO [CustomerInvoiceTotals] ([CustomerId], [OpenCount], [OpenSingleSiteCount], [PayableSingleSiteCount], [BalanceCents], [PendingCents], [InvoicesVersion])
                SELECT DISTINCT [i].[CustomerId], 0, 0, 0, 0, 0, 0 FROM [Invoices] AS [i]
                WHERE NOT EXISTS (SELECT 1 FROM [CustomerInvoiceTotals] AS [t] WHERE [t].[CustomerId] = [i].[CustomerId]);
                UPDATE [CustomerInvoiceTotals] SET [InvoicesVersion] = 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint));
                """);
            migrationBuilder.SqlServerExec("""
                CREATE TRIGGER [TR_Invoices_Version] ON [Invoices] AFTER INSERT, UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    MERGE [CustomerInvoiceTotals] WITH (HOLDLOCK) AS [t]
                    USING (SELECT [CustomerId] FROM inserted UNION SELECT [CustomerId] FROM deleted) AS [c] ON [t].[CustomerId] = [c].[CustomerId]
                    WHEN MATCHED THEN UPDATE SET
                        [InvoicesVersion] = CASE WHEN [t].[InvoicesVersion] = 0 THEN 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint)) ELSE [t].[InvoicesVersion] + 1 END
                    WHEN NOT MATCHED THEN INSERT ([CustomerId], [OpenCount], [OpenSingleSiteCount], [PayableSingleSiteCount], [BalanceCents], [PendingCents], [InvoicesVersion])
                        VALUES ([c].[CustomerId], 0, 0, 0, 0, 0, 1 + ABS(CAST(CHECKSUM(NEWID()) AS bigint)));
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.SqlServerExec("DROP TRIGGER IF EXISTS [TR_Invoices_Version];");

            migrationBuilder.DropColumn(
                name: "InvoicesVersion",
                table: "CustomerInvoiceTotals");
        }
    }
}
