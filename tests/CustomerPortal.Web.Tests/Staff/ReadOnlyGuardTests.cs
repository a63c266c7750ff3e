using System.Net;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.Staff;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Staff;

/// <summary>Each test gets its own portal: they change access rows or count audit rows exactly.</summary>
public sealed class ReadOnlyGuardTests
{
    [Fact]
    public async Task EveryStateChangingEndpointRefusesAnAgentInViewAsAndChangesNothing()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(agent, summit)).StatusCode);
        var page = await agent.GetDocumentAsync("/welcome");
        Assert.NotNull(page.QuerySelector("[data-testid=view-as-banner]"));
        var token = PortalClient.AntiforgeryToken(page);

        // Every route of the app, including those other features add later: all of them are covered automatically.
        var calls = StaffEndpoints.All(factory, summit)
            .Where(c => c.Method is not ("GET" or "HEAD" or "OPTIONS"))
            .ToList();
        var exempt = calls
            .Where(c => c.Endpoint.Metadata.GetMetadata<AllowDuringViewAsAttribute>() is not null
                || c.Path == "/account/sign-out")
            .ToList();
        Assert.Equal(["/account/sign-out", "/staff/view-as/leave"], exempt.Select(c => c.Path).Order().ToArray());
        var refusable = calls.Except(exempt).ToList();
        Assert.Contains(refusable, c => c.Path == "/test-probe/pay" && c.Method == "POST");
        Assert.Contains(refusable, c => c.Path == $"/staff/customers/{summit}/view-as");
        // A non-MVC endpoint too.
        Assert.Contains(refusable, c => c.Path.StartsWith("/health", StringComparison.Ordinal));
        var before = StaffSteps.Snapshot(factory);
        var auditBefore = await factory.WithDbAsync(db =>
            db.AuditEntries.CountAsync(e => e.Action == AuditAction.ActionRefused));

        var failures = new List<string>();
        foreach (var call in refusable)
        {
            using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["amount"] = "100.00",
                }),
            };
            request.Headers.Add("X-CSRF-TOKEN", token);
            var response = await agent.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            // The back-office API takes only API keys: an agent's cookie is refused there before any view-as check.
            var isApi = call.Path.StartsWith("/api/", StringComparison.Ordinal);
            var refused = isApi
                ? response.StatusCode == HttpStatusCode.Unauthorized
                : response.StatusCode == HttpStatusCode.Forbidden
                    && body.Contains("read-only", StringComparison.Ordinal);
            if (!refused)
            {
                failures.Add($"{call.Method} {call.Path} answered {(int)response.StatusCode}: "
                    + $"{body[..Math.Min(body.Length, 120)]}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, StaffSteps.Snapshot(factory));
        var refusedRows = await factory.WithDbAsync(db =>
            db.AuditEntries.CountAsync(e => e.Action == AuditAction.ActionRefused));
        Assert.Equal(auditBefore + refusable.Count(c => !c.Path.StartsWith("/api/", StringComparison.Ordinal)),
            refusedRows);
        // Still viewing as the customer, still read-only.
        Assert.NotNull((await agent.GetDocumentAsync("/welcome")).QuerySelector("[data-testid=view-as-banner]"));
    }

    [Fact]
    public async Task TheSameEndpointWorksForTheCustomerAndForTheAgentAfterLeaving()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var customer = await PortalClient.SignedInAsync(factory, DemoAccounts.ProCustomer);
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, summit);

        var refused = await agent.PostAsync("/test-probe/pay", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(ViewAsMiddleware.ReadOnlyMessage, await refused.Content.ReadAsStringAsync());
        Assert.Null(await factory.WithDbAsync(db =>
            db.Customers.Where(c => c.Id == summit).Select(c => c.ProcessorCustomerId).SingleAsync()));

        var paid = await customer.PostAsync("/test-probe/pay", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.NotNull(await factory.WithDbAsync(db =>
            db.Customers.Where(c => c.Id == summit).Select(c => c.ProcessorCustomerId).SingleAsync()));

        await StaffSteps.LeaveViewAsAsync(agent);
        var alpine = await factory.CustomerIdAsync("1002");
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(agent, alpine)).StatusCode);
    }

    [Fact]
    public async Task SigningOutDuringViewAsEndsItWithAnAuditRow()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, summit);

        var response = await agent.PostAsync("/account/sign-out", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var actions = await factory.WithDbAsync(db =>
            db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(AuditAction.ViewAsEnded, actions.Last());
        // Signing in again starts clean: no view-as resumes without a new start.
        await agent.SignInAsync(DemoAccounts.Staff, DemoAccounts.Password);
        Assert.Null((await agent.GetDocumentFollowingAsync("/")).QuerySelector("[data-testid=view-as-banner]"));
    }

    [Fact]
    public async Task AccessIsCheckedOnEveryRequestNotOnlyAtStart()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var agentId = await factory.UserIdAsync(DemoAccounts.Staff);
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, summit);
        Assert.NotNull((await agent.GetDocumentAsync("/welcome")).QuerySelector("[data-testid=view-as-banner]"));

        // The agent is limited to the other company while viewing.
        var prairie = await factory.WithDbAsync(db =>
            db.Companies.Where(c => c.Name == "Prairie Portables").Select(c => c.Id).SingleAsync());
        await factory.WithDbAsync(async db =>
        {
            db.StaffCompanyAccess.Add(new StaffCompanyAccess { UserId = agentId, CompanyId = prairie });
            return await db.SaveChangesAsync();
        });

        var next = await agent.GetDocumentAsync("/welcome");
        Assert.Null(next.QuerySelector("[data-testid=view-as-banner]"));
        Assert.Null(next.QuerySelector("[data-testid=customer-name]"));
        var last = await factory.WithDbAsync(db => db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync());
        Assert.Equal(AuditAction.ViewAsEnded, last.Action);
        Assert.Contains("access withdrawn", last.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForgedOrForeignViewAsCookieIsIgnored()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        var start = await StaffSteps.StartViewAsAsync(agent, summit);
        var cookie = start.Headers.GetValues("Set-Cookie")
            .Single(c => c.StartsWith(ViewAsCookie.Name + "=", StringComparison.Ordinal))
            .Split(';')[0];

        // The limited agent (who may see Summit's company) presents the other agent's cookie: it is bound to its agent.
        var other = await PortalClient.SignedInAsync(factory, DemoAccounts.LimitedStaff);
        using var stolen = new HttpRequestMessage(HttpMethod.Get, "/welcome");
        stolen.Headers.Add("Cookie", cookie);
        var html = await (await other.Http.SendAsync(stolen)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"view-as-banner\"", html, StringComparison.Ordinal);

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/welcome");
        forged.Headers.Add("Cookie", ViewAsCookie.Name + "=" + summit);
        var forgedHtml = await (await other.Http.SendAsync(forged)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"view-as-banner\"", forgedHtml, StringComparison.Ordinal);
    }
}
