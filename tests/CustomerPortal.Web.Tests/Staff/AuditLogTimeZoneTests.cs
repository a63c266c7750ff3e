using System.Globalization;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Staff;

/// <summary>
/// The audit log shows each entry on its company's clock, and names the zone, as the payment pages show times
/// (issue 16, item 13).
/// </summary>
public sealed class AuditLogTimeZoneTests
{
    [Fact]
    public async Task AnEntryIsShownOnTheCompanysClockWithTheZoneNamed()
    {
        using var factory = new PortalFactory();
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, await factory.CustomerIdAsync("1001"));
        var at = await factory.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.At).FirstAsync());

        var page = await agent.GetDocumentAsync("/staff/audit");

        var denver = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("America/Denver"));
        var cell = page.QuerySelectorAll("[data-testid=audit-time]").Last().TextContent;
        Assert.Contains(denver.ToString("MMM d, yyyy h:mm:ss tt", CultureInfo.InvariantCulture), cell);
        Assert.Contains("America/Denver", cell);
        Assert.NotEqual(denver.Hour, at.UtcDateTime.Hour); // the demo clock's UTC hour would read differently
        Assert.Contains("Time (company's time zone)", page.QuerySelector("[data-testid=audit-rows] thead")!
            .TextContent);
    }
}
