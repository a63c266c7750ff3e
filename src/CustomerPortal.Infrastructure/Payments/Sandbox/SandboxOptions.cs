using Microsoft.Extensions.Options;

namespace CustomerPortal.Infrastructure.Payments.Sandbox;

/// <summary>What the sandbox processor does to a charge when the fault switch is on (reliability tests).</summary>
public enum SandboxFault
{
    None,
    /// <summary>No answer: nothing is charged, the caller sees Unknown.</summary>
    Timeout,
    /// <summary>A 500: nothing is charged, the caller sees Unknown.</summary>
    ServerError,
    /// <summary>
    /// The charge is made and recorded, but the answer is lost: the caller sees Unknown and must reconcile.
    /// </summary>
    DropResponseAfterCharge,
}

/// <summary>Configuration section <c>Payments:Sandbox</c> (used when no Stripe key is configured).</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Payments:Sandbox";

    /// <summary>
    /// The sandbox's own SQLite file, apart from the portal's database: it plays the processor's servers.
    /// </summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "sandbox-processor.db");
    /// <summary>
    /// Signs the sandbox's webhook events; the same value verifies them on the portal's webhook path. When it is not
    /// configured, the installation's own is used (<see cref="SandboxWebhookSecret"/>, generated on first start).
    /// </summary>
    public string WebhookSecret { get; set; } = "";
    /// <summary>
    /// How long an ACH debit stays processing before <see cref="SandboxProcessor.SettleDueAsync"/> settles it.
    /// </summary>
    public TimeSpan AchSettlementDelay { get; set; } = TimeSpan.FromMinutes(2);
    public SandboxFault Faults { get; set; } = SandboxFault.None;
    /// <summary>The share of charges (0..1) that suffer <see cref="Faults"/>; drawn from a seeded generator.</summary>
    public double FaultRate { get; set; } = 1.0;
    public int FaultSeed { get; set; } = 12345;
    /// <summary>The sandbox's 3-D Secure page; the payment id is appended.</summary>
    public string AuthenticationPath { get; set; } = "/sandbox/3ds/";

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath)) problems.Add($"{SectionName}:DatabasePath is missing.");
        if (string.IsNullOrWhiteSpace(WebhookSecret))
            problems.Add($"{SectionName}:WebhookSecret is missing; sandbox events could not be signed.");
        if (AchSettlementDelay < TimeSpan.Zero) problems.Add($"{SectionName}:AchSettlementDelay cannot be negative.");
        if (FaultRate is < 0 or > 1 || double.IsNaN(FaultRate))
            problems.Add($"{SectionName}:FaultRate must be between 0 and 1.");
        return problems;
    }
}

public sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
