using System.Security.Claims;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Shared;

/// <summary>Whose pages this request shows, and whether the viewer may change anything.</summary>
public sealed record CustomerAccess(
    long CustomerId,
    long CompanyId,
    string CustomerName,
    string AccountNumber,
    string CompanyName,
    Plan Plan,
    string CompanyTimeZone,
    string ActorUserId,
    bool IsViewAs)
{
    /// <summary>The company may take payments online (<see cref="ProPlan.MayPayOnline"/>).</summary>
    public bool CanPayOnline => ProPlan.MayPayOnline(Plan);

    /// <summary>A moment as the company's clock shows it (pages show times where the customer is served).</summary>
    public DateTimeOffset ToCompanyTime(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, TimeZoneInfo.FindSystemTimeZoneById(CompanyTimeZone));

    /// <summary>A support agent viewing as the customer sees everything and changes nothing.</summary>
    public bool IsReadOnly => IsViewAs;
}

/// <summary>
/// Resolves the customer the current request is about: the signed-in contact's own, or the one a support agent views
/// as.
/// </summary>
public interface ICustomerContext
{
    Task<CustomerAccess?> GetAsync(CancellationToken ct = default);
}

/// <summary>Which customer a signed-in support agent is viewing as, if any (set by the staff feature).</summary>
public interface IViewAsState
{
    long? ViewedCustomerId(HttpContext http);
}

public sealed class NoViewAs : IViewAsState
{
    public long? ViewedCustomerId(HttpContext http) => null;
}

public sealed class CustomerContext(IHttpContextAccessor http, AppDbContext db, IViewAsState viewAs) : ICustomerContext
{
    // Every page and action asks this first: compiled once, so a request skips EF's query cache lookup.
    private static readonly Func<AppDbContext, long, string, bool, Task<CustomerAccess?>> AccessQuery =
        EF.CompileAsyncQuery((AppDbContext db, long customerId, string userId, bool isViewAs) =>
            (from c in db.Customers.AsNoTracking()
             join co in db.Companies.AsNoTracking() on c.CompanyId equals co.Id
             where c.Id == customerId
             select new CustomerAccess(
                 c.Id, co.Id, c.Name, c.AccountNumber, co.Name, co.Plan, co.TimeZoneId, userId, isViewAs))
            .FirstOrDefault());

    private CustomerAccess? _resolved;
    private bool _done;

    public async Task<CustomerAccess?> GetAsync(CancellationToken ct = default)
    {
        if (_done) return _resolved;
        var context = http.HttpContext;
        var user = context?.User;
        if (context is null || user?.Identity?.IsAuthenticated != true) { _done = true; return null; }

        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        long? customerId;
        var isViewAs = false;
        if (user.IsInRole(Roles.Staff))
        {
            customerId = viewAs.ViewedCustomerId(context);
            isViewAs = customerId is not null;
        }
        else
        {
            customerId = long.TryParse(user.FindFirstValue(PortalClaims.CustomerId), out var id) ? id : null;
        }

        if (customerId is { } cid)
        {
            // Keep one connection for the rest of the request (the context closes it when the request ends) instead of
            // EF opening and closing one around every query: on SQLite each open re-registers EF's SQL functions
            // (ef_compare, regexp, …) with the native connection, which cost more than the page's small queries.
            await db.Database.OpenConnectionAsync(ct);
            _resolved = await AccessQuery(db, cid, userId, isViewAs);
        }
        _done = true;
        return _resolved;
    }
}

public static class PortalClaims
{
    public const string CustomerId = "cp:customer";
    public const string DisplayName = "cp:name";
}

/// <summary>
/// Puts the contact's customer id and display name into the sign-in cookie, so no request has to look them up.
/// </summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CustomerId is { } id)
        {
            identity.AddClaim(new Claim(
                PortalClaims.CustomerId, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        identity.AddClaim(new Claim(PortalClaims.DisplayName,
            string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? "" : user.DisplayName));
        return identity;
    }
}
