using CustomerPortal.Domain.Companies;

namespace CustomerPortal.Domain.Tests;

/// <summary>"Pro plan may pay": the one rule behind every gate (portal, API, Make a Payment, Pay).</summary>
public sealed class ProPlanRuleTests
{
    [Fact]
    public void OnlyTheProPlanMayPayOnlineAndTheRefusalNamesTheCompany()
    {
        Assert.True(ProPlan.MayPayOnline(Plan.Pro));
        Assert.False(ProPlan.MayPayOnline(Plan.Standard));
        Assert.Equal(
            "Online payment is not enabled for Prairie Portables.", ProPlan.NotEnabledMessage("Prairie Portables"));
    }
}
