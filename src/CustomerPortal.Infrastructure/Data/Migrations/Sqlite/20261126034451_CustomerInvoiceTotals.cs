using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.Sqlite
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
                    CustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenSingleSiteCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PayableSingleSiteCount = table.Column<int>(type: "INTEGER", nullable: false),
                    BalanceCents = table.Column<long>(type: "INTEGER", nullable: false),
                    PendingCents = table.Column<long>(type: "INTEGER", nullable: false)
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
            // triggers keep that exact for every write, whoever makes it. Backfill first, then the triggers.
            migrationBuilder.Sql("""
                INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents")
                SELECT "CustomerId", COUNT(*), SUM("MultiSiteInvoiceId" IS NULL), SUM("MultiSiteInvoiceId" IS NULL AND "BalanceCents" > 0), SUM("BalanceCents"), SUM("PendingCents")
                FROM "Invoices"
                WHERE "IsVoid" = 0 AND ("BalanceCents" > 0 OR "PendingCents" > 0)
                GROUP BY "CustomerId";
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Totals_Insert" AFTER INSERT ON "Invoices"
                WHEN NEW."IsVoid" = 0 AND (NEW."BalanceCents" > 0 OR NEW."PendingCents" > 0)
                BEGIN
                    INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents")
                    VALUES (NEW."CustomerId", 1, NEW."MultiSiteInvoiceId" IS NULL, NEW."MultiSiteInvoiceId" IS NULL AND NEW."BalanceCents" > 0, NEW."BalanceCents", NEW."PendingCents")
                    ON CONFLICT ("CustomerId") DO UPDATE SET
                        "OpenCount" = "OpenCount" + 1,
                        "OpenSingleSiteCount" = "OpenSingleSiteCount" + excluded."OpenSingleSiteCount",
                        "PayableSingleSiteCount" = "PayableSingleSiteCount" + excluded."PayableSingleSiteCount",
                        "BalanceCents" = "BalanceCents" + excluded."BalanceCents",
                        "PendingCents" = "PendingCents" + excluded."PendingCents";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Totals_Delete" AFTER DELETE ON "Invoices"
                WHEN OLD."IsVoid" = 0 AND (OLD."BalanceCents" > 0 OR OLD."PendingCents" > 0)
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET
                        "OpenCount" = "OpenCount" - 1,
                        "OpenSingleSiteCount" = "OpenSingleSiteCount" - (OLD."MultiSiteInvoiceId" IS NULL),
                        "PayableSingleSiteCount" = "PayableSingleSiteCount" - (OLD."MultiSiteInvoiceId" IS NULL AND OLD."BalanceCents" > 0),
                        "BalanceCents" = "BalanceCents" - OLD."BalanceCents",
                        "PendingCents" = "PendingCents" - OLD."PendingCents"
                    WHERE "CustomerId" = OLD."CustomerId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Totals_Update"
                AFTER UPDATE OF "CustomerId", "IsVoid", "BalanceCents", "PendingCents", "MultiSiteInvoiceId" ON "Invoices"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET
                        "OpenCount" = "OpenCount" - 1,
                        "OpenSingleSiteCount" = "OpenSingleSiteCount" - (OLD."MultiSiteInvoiceId" IS NULL),
                        "PayableSingleSiteCount" = "PayableSingleSiteCount" - (OLD."MultiSiteInvoiceId" IS NULL AND OLD."BalanceCents" > 0),
                        "BalanceCents" = "BalanceCents" - OLD."BalanceCents",
                        "PendingCents" = "PendingCents" - OLD."PendingCents"
                    WHERE "CustomerId" = OLD."CustomerId"
                      AND OLD."IsVoid" = 0 AND (OLD."BalanceCents" > 0 OR OLD."PendingCents" > 0);
                    INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents")
                    SELECT NEW."CustomerId", 1, NEW."MultiSiteInvoiceId" IS NULL, NEW."MultiSiteInvoiceId" IS NULL AND NEW."BalanceCents" > 0, NEW."BalanceCents", NEW."PendingCents"
                    WHERE NEW."IsVoid" = 0 AND (NEW."BalanceCents" > 0 OR NEW."PendingCents" > 0)
                    ON CONFLICT ("CustomerId") DO UPDATE SET
                        "OpenCount" = "OpenCount" + 1,
                        "OpenSingleSiteCount" = "OpenSingleSiteCount" + excluded."OpenSingleSiteCount",
                        "PayableSingleSiteCount" = "PayableSingleSiteCount" + excluded."PayableSingleSiteCount",
                        "BalanceCents" = "BalanceCents" + excluded."BalanceCents",
                        "PendingCents" = "PendingCents" + excluded."PendingCents";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Totals_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Totals_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Totals_Update";""");

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
