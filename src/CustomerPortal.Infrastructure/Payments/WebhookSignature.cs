using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerPortal.Infrastructure.Payments;

/// <summary>
/// Stripe's webhook signature scheme (<c>t=…,v1=…</c>, HMAC-SHA256 of <c>"{t}.{body}"</c>), used by the sandbox's
/// own event delivery so both processors reach the portal through the same kind of verified webhook.
/// </summary>
public static class WebhookSignature
{
    public const int DefaultToleranceSeconds = 300;

    public static string Compute(string secret, long timestamp, string body)
    {
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return Convert.ToHexStringLower(hash);
    }

    public static string Header(string secret, long timestamp, string body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Compute(secret, timestamp, body)}";

    /// <summary>Null when valid; otherwise why not.</summary>
    public static string? Verify(
        string secret, string body, string? header, DateTimeOffset now, int toleranceSeconds = DefaultToleranceSeconds)
    {
        if (string.IsNullOrWhiteSpace(header)) return "The signature header is missing.";
        long? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) continue;
            var key = kv[0].Trim();
            if (key == "t" && long.TryParse(kv[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (key == "v1") signatures.Add(kv[1].Trim());
        }
        if (timestamp is null || signatures.Count == 0) return "The signature header is malformed.";
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp.Value, body));
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s))))
            return "The signature does not match the body.";
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > toleranceSeconds)
            return "The signature timestamp is outside the tolerance.";
        return null;
    }
}
