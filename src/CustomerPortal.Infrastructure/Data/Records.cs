namespace CustomerPortal.Infrastructure.Data;

/// <summary>A back-office API key of one company. Only a SHA-256 hash of the secret is stored.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }
    public long CompanyId { get; set; }
    /// <summary>The first characters of the key, shown to people to tell keys apart ("cpk_ab12…").</summary>
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A processor event already handled; the unique key makes a repeated delivery a no-op.</summary>
public sealed class ProcessedWebhookEvent
{
    public string Provider { get; set; } = "";
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// A lease that lets one process at a time run a background job (reconciliation) on a shared database.
/// </summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// One customer's open-invoice totals, kept exact by the database: triggers on <c>Invoices</c> (see
/// <see cref="InvoiceTotalsTriggers"/>) add and subtract every inserted, updated and deleted row's share in the same
/// statement, whatever wrote it (payments, the back-office API, a script). The Make a Payment page reads the overview
/// from this row instead of summing thousands of invoices per request. A row counts when it is not void and has a
/// balance or a pending amount — the same "open" the page's queries use. Never written by the application.
/// </summary>
public sealed class CustomerInvoiceTotals
{
    public long CustomerId { get; private set; }
    public int OpenCount { get; private set; }
    public int OpenSingleSiteCount { get; private set; }
    /// <summary>
    /// Open single-site invoices with a balance: what "Select all" can take (the N of "200 of N selected").
    /// </summary>
    public int PayableSingleSiteCount { get; private set; }
    public long BalanceCents { get; private set; }
    public long PendingCents { get; private set; }

    /// <summary>
    /// Moves on with every insert, update and delete of one of the customer's invoices, whatever column it changes (its
    /// own triggers, see <see cref="InvoiceTotalsTriggers.VersionTriggers"/>); never goes back. What the application
    /// keeps of the customer's invoices between requests is kept under this number and used only while it has not
    /// moved. Starts at a random number, so a database made anew under a running app does not repeat one it has seen.
    /// </summary>
    public long InvoicesVersion { get; private set; }
}
