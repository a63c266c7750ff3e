using System.Net;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Staff;

public sealed class ProPlanGatingTests
{
    [Fact]
    public async Task AStandardPlanCustomerSeesTheNoticeAndPaymentEndpointsAnswer403UntilThePlanIsSwitched()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var farms = await PortalClient.SignedInAsync(factory, DemoAccounts.StandardCustomer);

        var page = await farms.GetDocumentFollowingAsync("/");
        Assert.Contains("Online payment is not enabled for Prairie Portables.",
            page.QuerySelector("[data-testid=not-enabled]")!.TextContent);
        Assert.NotNull((await farms.GetDocumentAsync("/welcome")).QuerySelector("[data-testid=plan-notice]"));
        Assert.Contains("Prairie Farms Cooperative", page.QuerySelector("[data-testid=customer-name]")!.TextContent);

        var pay = await farms.PostAsync("/test-probe/pay", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.Forbidden, pay.StatusCode);
        Assert.Contains("Online payment is not enabled for Prairie Portables.", await pay.Content.ReadAsStringAsync());
        var remove = await farms.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/test-probe/methods/1")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PortalClient.AntiforgeryToken(page),
            }),
        });
        Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
        Assert.Null(await factory.WithDbAsync(db => db.Customers
            .Where(c => c.AccountNumber == "2001").Select(c => c.ProcessorCustomerId).SingleAsync()));

        await SwitchPlanAsync(factory, Plan.Pro);

        var afterSwitch = await farms.GetDocumentAsync("/welcome");
        Assert.Null(afterSwitch.QuerySelector("[data-testid=plan-notice]"));
        Assert.Equal(HttpStatusCode.OK, (await farms.PostAsync("/test-probe/pay", tokenPage: "/welcome")).StatusCode);

        await SwitchPlanAsync(factory, Plan.Standard);

        Assert.NotNull((await farms.GetDocumentAsync("/welcome")).QuerySelector("[data-testid=plan-notice]"));
        Assert.Equal(HttpStatusCode.Forbidden,
            (await farms.PostAsync("/test-probe/pay", tokenPage: "/welcome")).StatusCode);
    }

    [Fact]
    public async Task AProPlanCustomerSeesNoNoticeAndMayPay()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var summit = await PortalClient.SignedInAsync(factory, DemoAccounts.ProCustomer);

        var page = await summit.GetDocumentAsync("/welcome");

        Assert.Null(page.QuerySelector("[data-testid=plan-notice]"));
        Assert.Equal(HttpStatusCode.OK, (await summit.PostAsync("/test-probe/pay", tokenPage: "/welcome")).StatusCode);
    }

    [Fact]
    public async Task AnAgentViewingAsAStandardPlanCustomerSeesTheSameNotice()
    {
        using var factory = new PortalFactory().WithProbeEndpoints();
        var farmsId = await factory.CustomerIdAsync("2001");
        var farms = await PortalClient.SignedInAsync(factory, DemoAccounts.StandardCustomer);
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, farmsId);

        var asCustomer = await farms.GetDocumentAsync("/welcome");
        var asAgent = await agent.GetDocumentAsync("/welcome");

        Assert.NotNull(asAgent.QuerySelector("[data-testid=plan-notice]"));
        Assert.Equal(StaffSteps.MainSection(asCustomer), StaffSteps.MainSection(asAgent));
    }

    private static Task<int> SwitchPlanAsync(PortalFactory factory, Plan plan) => factory.WithDbAsync(async db =>
    {
        var company = await db.Companies.SingleAsync(c => c.Name == "Prairie Portables");
        company.ChangePlan(plan);
        return await db.SaveChangesAsync();
    });
}
