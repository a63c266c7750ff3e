using System.Security.Claims;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Staff;

/// <summary>
/// The support agents' area: customer search, view-as start and leave, and the audit log (read only).
/// </summary>
[Authorize(Policy = PortalPolicies.Staff)]
[Route("staff")]
public sealed class StaffController(
    StaffQueries queries,
    ViewAsCookie viewAs,
    StaffAudit audit,
    ICustomerContext customers,
    ILogger<StaffController> log) : Controller
{
    private string AgentId => User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    [HttpGet("")]
    public IActionResult Index() => RedirectToAction(nameof(Customers));

    [HttpGet("customers")]
    public async Task<IActionResult> Customers(string? q, int page = 1, CancellationToken ct = default)
    {
        var results = await queries.SearchCustomersAsync(AgentId, q, page, ct);
        return View(new CustomerSearchPage(q, results, await customers.GetAsync(ct)));
    }

    [HttpPost("customers/{id:long}/view-as")]
    public async Task<IActionResult> StartViewAs(long id, CancellationToken ct)
    {
        var customer = await queries.FindVisibleCustomerAsync(AgentId, id, ct);
        if (customer is null) return NotFound();
        // A view-as already in progress never gets here: the read-only guard refuses this POST until the agent leaves.
        viewAs.Write(HttpContext, AgentId, id);
        var session = new ViewAsSession(
            AgentId, User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "", id, customer.CompanyId);
        await audit.WriteAsync(HttpContext, session, AuditAction.ViewAsStarted);
        log.LogInformation("Agent {StaffUserId} started viewing as customer {CustomerId}", AgentId, id);
        return Redirect(PortalRoutes.Landing);
    }

    [HttpPost("view-as/leave")]
    [AllowDuringViewAs]
    public async Task<IActionResult> LeaveViewAs()
    {
        if (ViewAsSession.Of(HttpContext) is { } session)
        {
            await audit.WriteAsync(HttpContext, session, AuditAction.ViewAsEnded);
            log.LogInformation(
                "Agent {StaffUserId} stopped viewing as customer {CustomerId}", AgentId, session.CustomerId);
        }
        viewAs.Clear(HttpContext);
        return RedirectToAction(nameof(Customers));
    }

    [HttpGet("audit")]
    public async Task<IActionResult> Audit([FromQuery] AuditFilter filter, CancellationToken ct)
    {
        if (filter.From is { } from && filter.To is { } to && to < from)
        {
            ModelState.AddModelError(nameof(AuditFilter.To), "The end date must be on or after the start date.");
        }
        var rows = ModelState.IsValid
            ? await queries.AuditAsync(AgentId, filter, ct)
            : new Paged<AuditRow>([], 1, StaffQueries.AuditPageSize, 0);
        return View(new AuditPage(filter, rows));
    }
}

public sealed record CustomerSearchPage(string? Query, Paged<CustomerSearchRow> Results, CustomerAccess? ViewingAs);

public sealed record AuditPage(AuditFilter Filter, Paged<AuditRow> Rows);

public static class StaffRoutes
{
    public const string Customers = PortalRoutes.StaffLanding;
    public const string Audit = "/staff/audit";
    public const string LeaveViewAs = "/staff/view-as/leave";
}
