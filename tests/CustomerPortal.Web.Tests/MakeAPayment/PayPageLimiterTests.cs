using System.Net;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// The Make a Payment limiter (RateLimiting:PayPageConcurrency / PayPageQueue): requests past the permits wait in a
/// queue; when the queue is full too, the answer is 503 with Retry-After and the portal's error page saying so (a
/// line of text to the page's script), and nothing else goes wrong.
/// </summary>
public sealed class PayPageLimiterTests : IDisposable
{
    private readonly PortalFactory _factory = new PortalFactory()
        .With("RateLimiting:PayPageConcurrency", "1")
        .With("RateLimiting:PayPageQueue", "0");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task WithOnePermitAndNoQueueOverlappingRequestsAreToldToComeBackLater()
    {
        var client = await PortalClient.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        (await client.GetAsync("/pay")).EnsureSuccessStatusCode(); // warm: the first render compiles the views

        // Thirty page loads at once: one permit, no queue, so while one renders the others are refused.
        var responses = await Task.WhenAll(
            Enumerable.Range(0, 30).Select(_ => Task.Run(() => client.GetAsync("/pay"))));

        Assert.All(responses, r =>
            Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var r in refused)
        {
            Assert.Equal("1", r.Headers.RetryAfter?.ToString());
            var page = PortalClient.Parse(await r.Content.ReadAsStringAsync());
            Assert.Equal("The portal is very busy. Nothing was changed; try again in a moment.",
                page.QuerySelector("[data-testid=error-message]")!.TextContent);
            Assert.NotNull(page.QuerySelector("header nav")); // in the portal's layout
        }

        // Once the burst is over the page answers again.
        (await client.GetAsync("/pay")).EnsureSuccessStatusCode();
    }
}
