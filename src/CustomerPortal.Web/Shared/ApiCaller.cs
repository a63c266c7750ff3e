using System.Globalization;
using System.Security.Claims;

namespace CustomerPortal.Web.Shared;

/// <summary>The company and key of the authenticated back-office caller.</summary>
public static class ApiCaller
{
    public const string CompanyClaim = "cp:api-company";
    public const string KeyClaim = "cp:api-key";

    public static long CompanyId(this ClaimsPrincipal user) =>
        long.Parse(
            user.FindFirstValue(CompanyClaim)
                ?? throw new InvalidOperationException("Not an API caller."),
            CultureInfo.InvariantCulture);

    public static long ApiKeyId(this ClaimsPrincipal user) =>
        long.Parse(
            user.FindFirstValue(KeyClaim)
                ?? throw new InvalidOperationException("Not an API caller."),
            CultureInfo.InvariantCulture);
}
