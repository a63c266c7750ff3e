using System.Security.Cryptography;
using System.Text;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.ApiKeys;

/// <summary>A key as handed to its holder once, at creation. The secret is never stored or shown again.</summary>
public sealed record IssuedApiKey(long Id, long CompanyId, string Key, string Prefix, DateTimeOffset CreatedAt);

/// <summary>Who a presented key belongs to.</summary>
public sealed record ApiKeyIdentity(long KeyId, long CompanyId, string Prefix, bool IsRotatedAway);

/// <summary>
/// Issues, checks and rotates the back-office API keys of a company. A key is <c>cpk_</c> followed by 43 url-safe
/// characters (256 random bits); only its SHA-256 hash is stored, so a key is found by hashing what was presented.
/// Rotation gives a new key and schedules the old one to stop working: at once when the new key is first used, and
/// after <see cref="RotationGrace"/> at the latest, so a lost response never locks the back office out.
/// </summary>
public sealed class ApiKeyService(AppDbContext db, TimeProvider clock)
{
    public const string KeyPrefix = "cpk_";
    public static readonly TimeSpan RotationGrace = TimeSpan.FromHours(24);
    private const int ShownPrefixLength = 12;

    public async Task<IssuedApiKey> CreateAsync(long companyId, CancellationToken ct = default)
    {
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return await StoreAsync(companyId, key, ct);
    }

    /// <summary>
    /// Makes sure <paramref name="key"/> exists for the company (the deterministic demo key). Does nothing when its
    /// hash is already stored, even as revoked, so a demo key that was rotated away does not come back.
    /// </summary>
    public async Task<bool> EnsureAsync(long companyId, string key, CancellationToken ct = default)
    {
        if (!LooksLikeKey(key)) throw new ArgumentException("Not a well-formed API key.", nameof(key));
        var hash = Hash(key);
        if (await db.ApiKeys.AnyAsync(k => k.SecretHash == hash, ct)) return false;
        await StoreAsync(companyId, key, ct);
        return true;
    }

    /// <summary>The company of a valid key, or null for an unknown, malformed or revoked one.</summary>
    public async Task<ApiKeyIdentity?> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (presented is null || !LooksLikeKey(presented)) return null;
        var hash = Hash(presented);
        var now = clock.GetUtcNow();
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash && (k.RevokedAt == null || k.RevokedAt > now))
            .Select(k => new
            {
                k.Id, k.CompanyId, k.Prefix, k.CreatedAt, k.RevokedAt,
                // Another key of the company is rotated away but still in its grace period.
                OthersPending = db.ApiKeys.Any(o => o.CompanyId == k.CompanyId && o.Id != k.Id && o.RevokedAt > now),
            })
            .SingleOrDefaultAsync(ct);
        if (found is null) return null;

        if (found.OthersPending && found.RevokedAt is null)
        {
            // The first use of a key issued by (or after) a rotation ends the keys that rotation replaced.
            var pending = await db.ApiKeys
                .Where(o => o.CompanyId == found.CompanyId && o.Id != found.Id && o.RevokedAt > now)
                .ToListAsync(ct);
            foreach (var old in pending.Where(o => o.RevokedAt!.Value - RotationGrace <= found.CreatedAt))
                old.RevokedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return new ApiKeyIdentity(found.Id, found.CompanyId, found.Prefix, IsRotatedAway: found.RevokedAt is not null);
    }

    /// <summary>
    /// Issues a new key for the company of <paramref name="currentKeyId"/> and schedules the current one to end.
    /// Returns null when the current key was already rotated away (use the new key instead).
    /// </summary>
    public async Task<(IssuedApiKey Key, DateTimeOffset PreviousKeyEndsBy)?> RotateAsync(
        long currentKeyId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var current = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == currentKeyId, ct);
        if (current is null || current.RevokedAt is not null) return null;
        var endsBy = now + RotationGrace;
        current.RevokedAt = endsBy;
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var issued = await StoreAsync(current.CompanyId, key, ct);
        return (issued, endsBy);
    }

    /// <summary>
    /// A demo key derived from configuration: the same for a company every start, different per company.
    /// </summary>
    public static string DeriveDemoKey(string secret, long companyId)
    {
        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"customerportal-demo-api-key:{companyId}"));
        return KeyPrefix + Base64Url(mac);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static bool LooksLikeKey(string key) =>
        key.Length is > 20 and <= 100 && key.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && key.AsSpan(KeyPrefix.Length).ToString().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private async Task<IssuedApiKey> StoreAsync(long companyId, string key, CancellationToken ct)
    {
        var row = new ApiKey
        {
            CompanyId = companyId,
            Prefix = key[..ShownPrefixLength],
            SecretHash = Hash(key),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return new IssuedApiKey(row.Id, companyId, key, row.Prefix, row.CreatedAt);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
