using Microsoft.Extensions.Options;

namespace CustomerPortal.Infrastructure.Payments.Stripe;

/// <summary>
/// Configuration section <c>Payments:Stripe</c>. When SecretKey is empty the sandbox processor is used instead.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Payments:Stripe";

    public string SecretKey { get; set; } = "";
    public string PublishableKey { get; set; } = "";
    public string WebhookSecret { get; set; } = "";
    /// <summary>Only for tests (a local fake server); null means Stripe's own API.</summary>
    public string? ApiBase { get; set; }
    /// <summary>Stripe.net's automatic retries of failed requests (always with our idempotency key).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>The problems with this configuration, in words an operator can act on; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(SecretKey))
        {
            problems.Add($"{SectionName}:SecretKey is missing. Set it (sk_… or rk_…), or remove the {SectionName} "
                + "section to use the sandbox processor.");
        }
        else if (!SecretKey.StartsWith("sk_", StringComparison.Ordinal)
            && !SecretKey.StartsWith("rk_", StringComparison.Ordinal))
        {
            problems.Add(
                $"{SectionName}:SecretKey must be a secret or restricted key (sk_… or rk_…), not a publishable key.");
        }
        if (string.IsNullOrWhiteSpace(PublishableKey))
        {
            problems.Add($"{SectionName}:PublishableKey is missing (pk_…); the payment page needs it for Stripe's "
                + "Payment Element.");
        }
        else if (!PublishableKey.StartsWith("pk_", StringComparison.Ordinal))
            problems.Add($"{SectionName}:PublishableKey must start with pk_.");
        if (string.IsNullOrWhiteSpace(WebhookSecret))
            problems.Add(
                $"{SectionName}:WebhookSecret is missing (whsec_…); without it no Stripe event can be verified.");
        if (ApiBase is { Length: > 0 } b && !Uri.TryCreate(b, UriKind.Absolute, out _))
            problems.Add($"{SectionName}:ApiBase is not an absolute URL.");
        if (MaxNetworkRetries is < 0 or > 5)
            problems.Add($"{SectionName}:MaxNetworkRetries must be between 0 and 5.");
        return problems;
    }
}

/// <summary>Fails start-up (ValidateOnStart) with every missing or malformed Stripe setting named.</summary>
public sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
