using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// The triggers that keep <see cref="CustomerInvoiceTotals"/> exact. The SQL lives in the migration
/// <c>CustomerInvoiceTotals</c> of each provider (a migration must not change when this class does); this names them
/// and holds the check the tests and the bench use: the stored totals equal a fresh aggregate over the invoices. An
/// invoice counts when it is open (<see cref="OpenInvoiceRule"/>): the check takes its predicate from the rule, and a
/// test holds the migrations' trigger SQL to the same predicate.
/// </summary>
public static class InvoiceTotalsTriggers
{
    public const string Name = "TR_Invoices_Totals";

    /// <summary>
    /// The triggers of migration <c>InvoicesVersion</c> that move <see cref="CustomerInvoiceTotals.InvoicesVersion"/>
    /// on for every written invoice (SQLite: one per statement kind; SQL Server: one for all three).
    /// </summary>
    public static readonly IReadOnlyList<string> VersionTriggers =
        ["TR_Invoices_Version_Insert", "TR_Invoices_Version_Update", "TR_Invoices_Version_Delete"];

    /// <summary>The SQL Server trigger of migration <c>InvoicesVersion</c>.</summary>
    public const string VersionTriggerSqlServer = "TR_Invoices_Version";

    /// <summary>
    /// The triggers of migration <c>SitesInInvoicesVersion</c>: a site's name is shown with its invoices, so updating
    /// or deleting a site moves its customer's invoices version too (SQLite: two; SQL Server: one).
    /// </summary>
    public static readonly IReadOnlyList<string> SitesVersionTriggers =
        ["TR_Sites_Version_Update", "TR_Sites_Version_Delete"];

    /// <summary>The SQL Server trigger of migration <c>SitesInInvoicesVersion</c>.</summary>
    public const string SitesVersionTriggerSqlServer = "TR_Sites_Version";

    /// <summary>Customers whose stored totals differ from a fresh aggregate (empty when the triggers held).</summary>
    public const string DriftQuery = $$"""
        SELECT c.Id AS "Value"
        FROM Customers c
        LEFT JOIN CustomerInvoiceTotals t ON t.CustomerId = c.Id
        LEFT JOIN (
            SELECT CustomerId, COUNT(*) AS OpenCount,
                   SUM(CASE WHEN MultiSiteInvoiceId IS NULL THEN 1 ELSE 0 END) AS OpenSingleSiteCount,
                   SUM(CASE WHEN MultiSiteInvoiceId IS NULL AND {{OpenInvoiceRule.HasBalanceSql}} THEN 1 ELSE 0 END)
                       AS PayableSingleSiteCount,
                   SUM(BalanceCents) AS BalanceCents, SUM(PendingCents) AS PendingCents
            FROM Invoices
            WHERE {{OpenInvoiceRule.OpenSql}}
            GROUP BY CustomerId) a ON a.CustomerId = c.Id
        WHERE COALESCE(t.OpenCount, 0) <> COALESCE(a.OpenCount, 0)
           OR COALESCE(t.OpenSingleSiteCount, 0) <> COALESCE(a.OpenSingleSiteCount, 0)
           OR COALESCE(t.PayableSingleSiteCount, 0) <> COALESCE(a.PayableSingleSiteCount, 0)
           OR COALESCE(t.BalanceCents, 0) <> COALESCE(a.BalanceCents, 0)
           OR COALESCE(t.PendingCents, 0) <> COALESCE(a.PendingCents, 0)
        """;
}
