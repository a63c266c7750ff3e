using System.Globalization;
using System.Security.Cryptography;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.DataProtection;

namespace CustomerPortal.Web.Features.Staff;

/// <summary>
/// A view-as session that the middleware checked on this request: the agent still may see the customer.
/// </summary>
public sealed record ViewAsSession(string AgentUserId, string AgentEmail, long CustomerId, long CompanyId)
{
    private static readonly object Key = new();

    public static ViewAsSession? Of(HttpContext http) =>
        http.Items.TryGetValue(Key, out var s) ? s as ViewAsSession : null;

    internal void AttachTo(HttpContext http) => http.Items[Key] = this;
}

/// <summary>
/// The real <see cref="IViewAsState"/>: the customer id of the view-as session that <see cref="ViewAsMiddleware"/>
/// validated for this request (never the raw cookie).
/// </summary>
public sealed class ViewAsState : IViewAsState
{
    public long? ViewedCustomerId(HttpContext http) => ViewAsSession.Of(http)?.CustomerId;
}

/// <summary>
/// The view-as cookie: the agent's user id and the viewed customer id, encrypted and signed with data protection and
/// valid for 8 hours at most. Bound to the agent: another user's request ignores (and drops) it.
/// </summary>
public sealed class ViewAsCookie(IDataProtectionProvider dataProtection)
{
    public const string Name = "cp.viewas";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("CustomerPortal.Staff.ViewAs.v1").ToTimeLimitedDataProtector();

    public void Write(HttpContext http, string agentUserId, long customerId)
    {
        var payload = customerId.ToString(CultureInfo.InvariantCulture) + "|" + agentUserId;
        http.Response.Cookies.Append(Name, _protector.Protect(payload, Lifetime), Options(http));
    }

    public (string AgentUserId, long CustomerId)? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            var payload = _protector.Unprotect(value);
            var bar = payload.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0
                || !long.TryParse(payload.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }
            return (payload[(bar + 1)..], id);
        }
        catch (CryptographicException)
        {
            return null; // tampered, expired or from old keys
        }
    }

    public bool IsPresent(HttpContext http) => http.Request.Cookies.ContainsKey(Name);

    public void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        IsEssential = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        Path = "/",
    };
}

/// <summary>
/// Marks an endpoint that a support agent may POST to while viewing as a customer. Only for the staff feature's own
/// "leave view-as" endpoint: never put it on a customer endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowDuringViewAsAttribute : Attribute;
