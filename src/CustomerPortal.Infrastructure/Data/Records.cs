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

/// <summary>A lease that lets one process at a time run a background job (reconciliation) on a shared database.</summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
