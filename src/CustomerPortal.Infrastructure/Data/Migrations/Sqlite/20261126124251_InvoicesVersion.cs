using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Every customer with invoices gets a row, and each row a random first version (0 means "not set yet": a
            // row the totals triggers create starts there, and the first version bump gives it a random number).
            migrationBuilder.Sql("""
                INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents", "InvoicesVersion")
                SELECT DISTINCT "CustomerId", 0, 0, 0, 0, 0, 0 FROM "Invoices"
                WHERE "CustomerId" NOT IN (SELECT "CustomerId" FROM "CustomerInvoiceTotals");
                UPDATE "CustomerInvoiceTotals" SET "InvoicesVersion" = 1 + abs(random() % 1000000000000);
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Version_Insert" AFTER INSERT ON "Invoices"
                BEGIN
                    INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents", "InvoicesVersion")
                    VALUES (NEW."CustomerId", 0, 0, 0, 0, 0, 1 + abs(random() % 1000000000000))
                    ON CONFLICT ("CustomerId") DO UPDATE SET
                        "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN excluded."InvoicesVersion" ELSE "InvoicesVersion" + 1 END;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Version_Update" AFTER UPDATE ON "Invoices"
                BEGIN
                    INSERT INTO "CustomerInvoiceTotals" ("CustomerId", "OpenCount", "OpenSingleSiteCount", "PayableSingleSiteCount", "BalanceCents", "PendingCents", "InvoicesVersion")
                    VALUES (NEW."CustomerId", 0, 0, 0, 0, 0, 1 + abs(random() % 1000000000000))
                    ON CONFLICT ("CustomerId") DO UPDATE SET
                        "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN excluded."InvoicesVersion" ELSE "InvoicesVersion" + 1 END;
                    UPDATE "CustomerInvoiceTotals" SET
                        "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" = OLD."CustomerId" AND OLD."CustomerId" <> NEW."CustomerId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Invoices_Version_Delete" AFTER DELETE ON "Invoices"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET
                        "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" = OLD."CustomerId";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Version_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Version_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Invoices_Version_Delete";""");

            migrationBuilder.DropColumn(
                name: "InvoicesVersion",
                table: "CustomerInvoiceTotals");
        }
    }
}
