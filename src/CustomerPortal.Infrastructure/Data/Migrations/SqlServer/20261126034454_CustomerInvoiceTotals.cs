using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CustomerInvoiceTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CustomerInvoiceTotals",
                columns: table => new
                {
                    CustomerId = table.Column<long>(type: "bigint", nullable: false),
                    OpenCount = table.Column<int>(type: "int", nullable: false),
                    OpenSingleSiteCount = table.Column<int>(type: "int", nullable: false),
                    PayableSingleSiteCount = table.Column<int>(type: "int", nullable: false),
                    BalanceCents = table.Column<long>(type: "bigint", nullable: false),
                    PendingCents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerInvoiceTotals", x => x.CustomerId);
                    table.ForeignKey(
                        name: "FK_CustomerInvoiceTotals_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_NotYetDue",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "DueDate", "BalanceCents", "PendingCents" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_OldestFirst",
                table: "Invoices",
                columns: new[] { "CustomerId", "IsVoid", "InvoiceDate", "DueDate", "Number", "Id", "BalanceCents", "PendingCents", "MultiSiteInvoiceId" });

            // Every open invoice (not void, a balance or a pending amount) adds its share to its customer's totals;
            // one set-based trigger keeps that exact for every write, whoever makes it. Backfill first, then the trigger.
            migrationBuilder.SqlServerExec("""
                INSERT INTO [CustomerInvoiceTotals] ([CustomerId], [OpenCount], [OpenSingleSiteCount], [PayableSingleSiteCount], [BalanceCents], [PendingCents])
                SELECT [CustomerId], COUNT(*), SUM(CASE WHEN [MultiSiteInvoiceId] IS NULL THEN 1 ELSE 0 END),
                       SUM(CASE WHEN [MultiSiteInvoiceId] IS NULL AND [BalanceCents] > 0 THEN 1 ELSE 0 END), SUM([BalanceCents]), SUM([PendingCents])
                FROM [Invoices]
                WHERE [IsVoid] = 0 AND ([BalanceCents] > 0 OR [PendingCents] > 0)
                GROUP BY [CustomerId];
                """);
            migrationBuilder.SqlServerExec("""
                CREATE TRIGGER [TR_Invoices_Totals] ON [Invoices] AFTER INSERT, UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    WITH [Delta] AS (
                        SELECT [CustomerId], 1 AS [OpenCount], CASE WHEN [MultiSiteInvoiceId] IS NULL THEN 1 ELSE 0 END AS [OpenSingleSiteCount],
                               CASE WHEN [MultiSiteInvoiceId] IS NULL AND [BalanceCents] > 0 THEN 1 ELSE 0 END AS [PayableSingleSiteCount],
                               [BalanceCents], [PendingCents]
                        FROM inserted WHERE [IsVoid] = 0 AND ([BalanceCents] > 0 OR [PendingCents] > 0)
                        UNION ALL
                        SELECT [CustomerId], -1, CASE WHEN [MultiSiteInvoiceId] IS NULL THEN -1 ELSE 0 END,
                               CASE WHEN [MultiSiteInvoiceId] IS NULL AND [BalanceCents] > 0 THEN -1 ELSE 0 END,
                               -[BalanceCents], -[PendingCents]
                        FROM deleted WHERE [IsVoid] = 0 AND ([BalanceCents] > 0 OR [PendingCents] > 0)
                    ), [Sums] AS (
                        SELECT [CustomerId], SUM([OpenCount]) AS [OpenCount], SUM([OpenSingleSiteCount]) AS [OpenSingleSiteCount],
                               SUM([PayableSingleSiteCount]) AS [PayableSingleSiteCount],
                               SUM([BalanceCents]) AS [BalanceCents], SUM([PendingCents]) AS [PendingCents]
                        FROM [Delta] GROUP BY [CustomerId]
                    )
                    MERGE [CustomerInvoiceTotals] WITH (HOLDLOCK) AS [t]
                    USING [Sums] AS [s] ON [t].[CustomerId] = [s].[CustomerId]
                    WHEN MATCHED THEN UPDATE SET
                        [OpenCount] = [t].[OpenCount] + [s].[OpenCount],
                        [OpenSingleSiteCount] = [t].[OpenSingleSiteCount] + [s].[OpenSingleSiteCount],
                        [PayableSingleSiteCount] = [t].[PayableSingleSiteCount] + [s].[PayableSingleSiteCount],
                        [BalanceCents] = [t].[BalanceCents] + [s].[BalanceCents],
                        [PendingCents] = [t].[PendingCents] + [s].[PendingCents]
                    WHEN NOT MATCHED THEN INSERT ([CustomerId], [OpenCount], [OpenSingleSiteCount], [PayableSingleSiteCount], [BalanceCents], [PendingCents])
                        VALUES ([s].[CustomerId], [s].[OpenCount], [s].[OpenSingleSiteCount], [s].[PayableSingleSiteCount], [s].[BalanceCents], [s].[PendingCents]);
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.SqlServerExec("DROP TRIGGER IF EXISTS [TR_Invoices_Totals];");

            migrationBuilder.DropTable(
                name: "CustomerInvoiceTotals");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_NotYetDue",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_OldestFirst",
                table: "Invoices");
        }
    }
}
