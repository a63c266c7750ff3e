using System.Net;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Staff;

public sealed class ViewAsTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    private PortalFactory Factory => portal.Factory;

    /// <summary>
    /// The customer pages an agent must see exactly as the customer does. Features add their pages here
    /// (Make a Payment, payment history, …) and the comparison covers them.
    /// </summary>
    /// <remarks>
    /// Pages with controls (Make a Payment, checkout) cannot have the same &lt;main&gt;: the agent's has no controls.
    /// <see cref="ViewAsPaymentPagesTests"/> compares their figures, rows, selection and methods instead, and a
    /// payment's result page (which needs a payment) with the whole &lt;main&gt;.
    /// </remarks>
    public static TheoryData<string> CustomerPages => new() { "/welcome", "/pay/history" };

    [Fact]
    public async Task AnAgentLandsOnTheSearchAndFindsCustomersByNameAccountNumberAndEmail()
    {
        var agent = await PortalClient.SignedInAsync(Factory, DemoAccounts.Staff);

        var landing = await agent.GetAsync("/");
        Assert.Equal("/staff/customers", landing.Headers.Location!.ToString());

        async Task<List<string>> Found(string q) =>
            (await agent.GetDocumentAsync("/staff/customers?q=" + Uri.EscapeDataString(q)))
            .QuerySelectorAll("[data-testid=customer-row] th").Select(th => th.TextContent.Trim()).ToList();

        Assert.Equal(["Summit Builders LLC"], await Found("summit"));
        Assert.Equal(["Alpine Events Co."], await Found("1002"));
        Assert.Equal(["Prairie Farms Cooperative"], await Found("prairiefarms.example"));
        Assert.Empty(await Found("100%"));
        Assert.Equal(3, (await Found("")).Count);
    }

    [Fact]
    public async Task ACustomerCannotOpenTheStaffPages()
    {
        var customer = await PortalClient.SignedInAsync(Factory, DemoAccounts.ProCustomer);

        foreach (var url in new[] { "/staff/customers", "/staff/audit" })
        {
            var response = await customer.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("open that page", await response.Content.ReadAsStringAsync());
        }
        var summit = await Factory.CustomerIdAsync("1001");
        var post = await customer.PostAsync($"/staff/customers/{summit}/view-as", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Theory]
    [MemberData(nameof(CustomerPages))]
    public async Task AnAgentViewingAsTheCustomerSeesTheSameRenderedSections(string url)
    {
        var summit = await Factory.CustomerIdAsync("1001");
        var customer = await PortalClient.SignedInAsync(Factory, DemoAccounts.ProCustomer);
        var agent = await PortalClient.SignedInAsync(Factory, DemoAccounts.Staff);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(agent, summit)).StatusCode);

        var asCustomer = await customer.GetDocumentAsync(url);
        var asAgent = await agent.GetDocumentAsync(url);

        Assert.Equal(StaffSteps.MainSection(asCustomer), StaffSteps.MainSection(asAgent));
        Assert.Equal(asCustomer.QuerySelector("[data-testid=customer-name]")!.TextContent,
            asAgent.QuerySelector("[data-testid=customer-name]")!.TextContent);
        Assert.Equal(asCustomer.Title, asAgent.Title);
        Assert.Null(asCustomer.QuerySelector("[data-testid=view-as-banner]"));
        var banner = asAgent.QuerySelector("[data-testid=view-as-banner]");
        Assert.NotNull(banner);
        Assert.Contains("Viewing as Summit Builders LLC", banner.TextContent);
        Assert.NotNull(
            banner.QuerySelector("form[action='/staff/view-as/leave'] input[name=__RequestVerificationToken]"));

        await StaffSteps.LeaveViewAsAsync(agent);
        var after = await agent.GetDocumentFollowingAsync("/");
        Assert.Null(after.QuerySelector("[data-testid=view-as-banner]"));
        Assert.Null(after.QuerySelector("[data-testid=customer-name]"));
    }

    [Fact]
    public async Task AnAgentLimitedToCompanyACannotFindOrViewACustomerOfCompanyB()
    {
        var farms = await Factory.CustomerIdAsync("2001");
        var agent = await PortalClient.SignedInAsync(Factory, DemoAccounts.LimitedStaff);

        var search = await agent.GetDocumentAsync("/staff/customers?q=prairie");
        Assert.Empty(search.QuerySelectorAll("[data-testid=customer-row]"));
        var all = await agent.GetDocumentAsync("/staff/customers");
        Assert.DoesNotContain(all.QuerySelectorAll("[data-testid=customer-row] th"),
            th => th.TextContent.Contains("Prairie", StringComparison.Ordinal));

        var start = await StaffSteps.StartViewAsAsync(agent, farms);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.False(start.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.Any(c => c.StartsWith("cp.viewas=", StringComparison.Ordinal)
                && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
        var welcome = await agent.GetDocumentAsync("/welcome");
        Assert.Null(welcome.QuerySelector("[data-testid=view-as-banner]"));

        // Its own company works.
        var summit = await Factory.CustomerIdAsync("1001");
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(agent, summit)).StatusCode);
        await StaffSteps.LeaveViewAsAsync(agent);
    }

    [Fact]
    public async Task StartEveryPageAndEndAreAuditedAndShownOnTheAuditPage()
    {
        var alpine = await Factory.CustomerIdAsync("1002");
        var agentId = await Factory.UserIdAsync(DemoAccounts.Staff);
        var agent = await PortalClient.SignedInAsync(Factory, DemoAccounts.Staff);
        var before = await Factory.WithDbAsync(db => db.AuditEntries
            .Where(e => e.CustomerId == alpine).Select(e => e.Id).DefaultIfEmpty().MaxAsync());

        await StaffSteps.StartViewAsAsync(agent, alpine);
        await agent.GetDocumentAsync("/welcome?tab=1");
        await StaffSteps.LeaveViewAsAsync(agent);

        var rows = await Factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.CustomerId == alpine && e.Id > before && e.StaffUserId == agentId)
            .OrderBy(e => e.Id).ToListAsync());
        var actions = rows.Select(r => r.Action).ToList();
        Assert.Equal(AuditAction.ViewAsStarted, actions.First());
        Assert.Equal(AuditAction.ViewAsEnded, actions.Last());
        Assert.Contains(rows, r => r.Action == AuditAction.PageViewed && r.Path == "/welcome?tab=1");
        var companyId = await Factory.WithDbAsync(db =>
            db.Customers.Where(c => c.Id == alpine).Select(c => c.CompanyId).SingleAsync());
        Assert.All(rows, r =>
        {
            Assert.Equal(DemoAccounts.Staff, r.StaffEmail);
            Assert.Equal(companyId, r.CompanyId);
            Assert.False(string.IsNullOrEmpty(r.IpAddress));
            Assert.Equal(Factory.Clock.GetUtcNow().Date, r.At.UtcDateTime.Date);
        });

        var page = await agent.GetDocumentAsync("/staff/audit?Agent=support%40&Customer=1002");
        var shown = page.QuerySelectorAll("[data-testid=audit-row]")
            .Select(r => r.GetAttribute("data-action")).ToList();
        Assert.Contains("ViewAsStarted", shown);
        Assert.Contains("PageViewed", shown);
        Assert.Contains("ViewAsEnded", shown);
        var other = await agent.GetDocumentAsync("/staff/audit?Agent=nobody%40example");
        Assert.Empty(other.QuerySelectorAll("[data-testid=audit-row]"));
        var future = await agent.GetDocumentAsync("/staff/audit?From=2030-01-01");
        Assert.Empty(future.QuerySelectorAll("[data-testid=audit-row]"));
        var today = Factory.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var todays = await agent.GetDocumentAsync($"/staff/audit?Customer=Alpine&From={today}&To={today}");
        Assert.NotEmpty(todays.QuerySelectorAll("[data-testid=audit-row]"));
    }

    [Fact]
    public async Task AnAgentLimitedToCompanyADoesNotSeeAuditRowsOfCompanyB()
    {
        var farms = await Factory.CustomerIdAsync("2001");
        var agent = await PortalClient.SignedInAsync(Factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, farms);
        await StaffSteps.LeaveViewAsAsync(agent);

        var limited = await PortalClient.SignedInAsync(Factory, DemoAccounts.LimitedStaff);
        var page = await limited.GetDocumentAsync("/staff/audit?Customer=2001");

        Assert.Empty(page.QuerySelectorAll("[data-testid=audit-row]"));
        var full = await agent.GetDocumentAsync("/staff/audit?Customer=2001");
        Assert.NotEmpty(full.QuerySelectorAll("[data-testid=audit-row]"));
    }

    [Fact]
    public void TheAppHasNoEndpointThatEditsOrDeletesAuditRows()
    {
        _ = PortalClient.For(Factory); // starts the app
        var endpoints = StaffEndpoints.All(Factory);

        var auditWrites = endpoints
            .Where(e => e.Path.Contains("audit", StringComparison.OrdinalIgnoreCase)
                && e.Method is not ("GET" or "HEAD"))
            .ToList();

        Assert.Empty(auditWrites);
        Assert.Contains(endpoints, e => e.Path == "/staff/audit" && e.Method == "GET");
    }
}

/// <summary>
/// Alone, after the parallel tests: the app logs through Serilog's static logger, which the most recently started test
/// host owns, so the captured events are this host's only when no other host starts meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoggingCollection
{
    public const string Name = "logging";
}

[Collection(LoggingCollection.Name)]
public sealed class ViewAsLoggingTests
{
    [Fact]
    public async Task TheAgentsOwnIdentityIsOnEveryLogLineDuringViewAs()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await factory.CustomerIdAsync("1001");
        var agentId = await factory.UserIdAsync(DemoAccounts.Staff);
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, summit);
        var marker = "/welcome?log=" + Guid.NewGuid().ToString("N");

        await agent.GetDocumentAsync(marker);
        await StaffSteps.LeaveViewAsAsync(agent);

        static string? Prop(LogEvent e, string name) =>
            e.Properties.TryGetValue(name, out var v) ? (v as ScalarValue)?.Value?.ToString() : null;
        var logs = factory.Logs.Raw.ToList();
        var duringViewAs = logs.Where(e => Prop(e, "ViewAsCustomerId") is not null).ToList();
        Assert.NotEmpty(duringViewAs);
        Assert.All(duringViewAs, e => Assert.False(string.IsNullOrEmpty(Prop(e, "StaffUserId")), e.RenderMessage()));
        // (Serilog's request line also gets StaffUserId and ViewAsCustomerId through the diagnostic context, but it
        // writes through the static logger, which several test hosts in one process share, so it is not asserted here.)
        var auditLine = Assert.Single(logs, e => Prop(e, "Path")?.Contains(marker, StringComparison.Ordinal) == true);
        Assert.Equal(agentId, Prop(auditLine, "StaffUserId"));
        Assert.Equal(summit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Prop(auditLine, "ViewAsCustomerId"));
    }
}
