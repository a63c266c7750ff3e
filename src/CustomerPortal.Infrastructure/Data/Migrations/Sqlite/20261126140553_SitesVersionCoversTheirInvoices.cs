using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerPortal.Infrastructure.Data.Migrations.Sqlite
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
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Sites_Version_Update";""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Sites_Version_Update" AFTER UPDATE OF "Name", "CustomerId" ON "Sites"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" IN (OLD."CustomerId", NEW."CustomerId")
                       OR "CustomerId" IN (SELECT "CustomerId" FROM "Invoices" WHERE "SiteId" = OLD."Id");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TR_Sites_Version_Update";""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "TR_Sites_Version_Update" AFTER UPDATE ON "Sites"
                BEGIN
                    UPDATE "CustomerInvoiceTotals" SET "InvoicesVersion" = CASE WHEN "InvoicesVersion" = 0 THEN 1 + abs(random() % 1000000000000) ELSE "InvoicesVersion" + 1 END
                    WHERE "CustomerId" IN (OLD."CustomerId", NEW."CustomerId");
                END;
                """);
        }
    }
}
