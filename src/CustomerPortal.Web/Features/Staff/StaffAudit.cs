using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Features.Staff;

/// <summary>
/// Writes audit rows in a scope of its own, so a page's unit of work is never flushed (or rolled back) with them.
/// Rows are only ever added: the app has no code that edits or deletes them.
/// </summary>
public sealed class StaffAudit(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StaffAudit> log)
{
    public async Task WriteAsync(HttpContext http, ViewAsSession session, AuditAction action, string? note = null)
    {
        var path = http.Request.Path.Value + http.Request.QueryString.Value;
        if (note is not null) path = $"{path} ({note})";
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AuditEntries.Add(new AuditEntry(session.AgentUserId, session.AgentEmail, session.CustomerId,
            session.CompanyId, action, path, ip, clock.GetUtcNow()));
        // Not cancelled with the request: a page the agent opened and then left is still a page opened.
        await db.SaveChangesAsync(CancellationToken.None);
        log.LogInformation("Audit {AuditAction} by {StaffEmail} on customer {CustomerId} {Path}",
            action, session.AgentEmail, session.CustomerId, path);
    }
}
