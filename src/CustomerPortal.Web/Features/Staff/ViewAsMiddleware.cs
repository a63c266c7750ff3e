using System.Security.Claims;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Context;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Features.Staff;

/// <summary>
/// Runs on every request after authorization, before the endpoint. For a signed-in support agent with a view-as
/// cookie it:
/// <list type="number">
/// <item>checks again, on this request, that the customer exists and that the agent may see its company (access can be
/// taken away at any time); if not, the view-as ends here (cookie dropped, audit row written);</item>
/// <item>puts the agent's own id and the viewed customer on every log line of the request;</item>
/// <item>refuses every request that is not GET or HEAD with 403 and a plain message (the read-only guard), whatever
/// endpoint it is for — MVC actions, minimal APIs, or no endpoint at all — except sign-out and endpoints marked
/// <see cref="AllowDuringViewAsAttribute"/> (leave view-as);</item>
/// <item>writes an audit row for every page (GET to an endpoint) opened during the view-as.</item>
/// </list>
/// </summary>
public sealed class ViewAsMiddleware(
    RequestDelegate next,
    ViewAsCookie cookie,
    StaffAudit audit,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
    ILogger<ViewAsMiddleware> log)
{
    public const string ReadOnlyMessage =
        "You are viewing this account as a support agent. Viewing as a customer is read-only: nothing was changed.";

    public async Task InvokeAsync(HttpContext http, AppDbContext db)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(Roles.Staff))
        {
            await next(http);
            return;
        }

        var agentId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var agentEmail = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
        var session = cookie.IsPresent(http) ? await ValidateAsync(http, db, agentId, agentEmail) : null;

        using (LogContext.PushProperty("StaffUserId", agentId))
        using (LogContext.PushProperty("ViewAsCustomerId", session?.CustomerId))
        {
            if (session is null)
            {
                await next(http);
                return;
            }

            session.AttachTo(http);
            var diagnostics = http.RequestServices.GetService<IDiagnosticContext>();
            diagnostics?.Set("StaffUserId", agentId);
            diagnostics?.Set("ViewAsCustomerId", session.CustomerId);

            var method = http.Request.Method;
            var reExecuted = http.Features.Get<IStatusCodeReExecuteFeature>() is not null;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !reExecuted && !IsExempt(http))
            {
                log.LogWarning(
                    "Refused {Method} {Path}: agent {StaffUserId} is viewing as customer {CustomerId} (read-only)",
                    method, http.Request.Path.Value, agentId, session.CustomerId);
                await audit.WriteAsync(http, session, AuditAction.ActionRefused);
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(ReadOnlyMessage);
                return;
            }

            if (HttpMethods.IsGet(method) && !reExecuted && http.GetEndpoint() is not null)
            {
                await audit.WriteAsync(http, session, AuditAction.PageViewed);
            }
            await next(http);
        }
    }

    private async Task<ViewAsSession?> ValidateAsync(
        HttpContext http, AppDbContext db, string agentId, string agentEmail)
    {
        var raw = cookie.Read(http);
        if (raw is not { } value || value.AgentUserId != agentId)
        {
            cookie.Clear(http);
            return null;
        }

        var target = await db.Customers.AsNoTracking()
            .Where(c => c.Id == value.CustomerId)
            .Select(c => new
            {
                c.Id,
                c.CompanyId,
                Allowed = !db.StaffCompanyAccess.Any(a => a.UserId == agentId)
                    || db.StaffCompanyAccess.Any(a => a.UserId == agentId && a.CompanyId == c.CompanyId),
            })
            .FirstOrDefaultAsync(http.RequestAborted);
        if (target is null)
        {
            cookie.Clear(http);
            return null;
        }

        var session = new ViewAsSession(agentId, agentEmail, target.Id, target.CompanyId);
        if (!target.Allowed)
        {
            log.LogWarning("View-as of customer {CustomerId} ended: agent {StaffUserId} "
                    + "no longer has access to company {CompanyId}",
                target.Id, agentId, target.CompanyId);
            await audit.WriteAsync(http, session, AuditAction.ViewAsEnded, note: "access withdrawn");
            cookie.Clear(http);
            return null;
        }
        return session;
    }

    private bool IsExempt(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AllowDuringViewAsAttribute>() is not null) return true;
        var signOut = cookieOptions.Get(IdentityConstants.ApplicationScheme).LogoutPath;
        return signOut.HasValue && http.Request.Path.Equals(signOut, StringComparison.OrdinalIgnoreCase);
    }
}
