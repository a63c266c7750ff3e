using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SitesInInvoicesVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A site's name is shown with its invoices (the table, the custom amount's split), and what the page keeps of
            // them is kept under the customer's invoices version: renaming, moving or deleting a site moves it on too.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Sites_Version_Update" AFTER UPDATE ON "Sites"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" IN (OLD."CustomerId", NEW."CustomerId");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Sites_Version_Delete" AFTER DELETE ON "Sites"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" = OLD."CustomerId";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Sites_Version_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Sites_Version_Delete";""");
        }
    }
}
