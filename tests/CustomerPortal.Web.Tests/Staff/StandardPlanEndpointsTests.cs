using System.Net;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Staff;

/// <summary>
/// Every payment and saved-method endpoint of the portal (<c>/pay/…</c>) and of the back-office API (<c>…payment…</c>)
/// refuses a Standard-plan company with 403 and the plain message, found from the app's EndpointDataSource so that a
/// new endpoint is covered without touching this test. The one exception is the Make a Payment page itself (GET /pay):
/// a Standard-plan customer sees their open invoices there with the notice (make-a-payment.md, Tenancy and plan).
/// </summary>
public sealed class StandardPlanEndpointsTests
{
    private const string Message = "Online payment is not enabled for Prairie Portables.";

    [Fact]
    public async Task EveryPaymentAndSavedMethodEndpointRefusesAStandardPlanCompany()
    {
        using var factory = new PortalFactory();
        var farms = await PortalClient.SignedInAsync(factory, DemoAccounts.StandardCustomer);
        var welcome = await farms.GetDocumentAsync("/welcome");
        var token = PortalClient.AntiforgeryToken(welcome);
        var prairie = await factory.WithDbAsync(db =>
            db.Companies.Where(c => c.Name == "Prairie Portables").Select(c => c.Id).SingleAsync());
        string key;
        await using (var scope = factory.Scope())
            key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(prairie)).Key;

        var calls = StaffEndpoints.All(factory).Where(c => c.Method is not ("HEAD" or "OPTIONS")).ToList();
        var portal = calls
            .Where(c => c.Path == "/pay" || c.Path.StartsWith("/pay/", StringComparison.Ordinal))
            .ToList();
        var api = calls
            .Where(c => c.Path.StartsWith("/api/v1/", StringComparison.Ordinal)
                && c.Path.Contains("payment", StringComparison.Ordinal))
            .ToList();
        var exempt = portal.Where(c => c is { Method: "GET", Path: "/pay" }).ToList();
        Assert.Single(exempt);
        Assert.Contains(portal, c => c is { Method: "POST", Path: "/pay/checkout" });
        Assert.Contains(portal, c => c is { Method: "GET", Path: "/pay/history" });
        Assert.Contains(portal, c => c.Method == "POST" && c.Path.StartsWith("/pay/methods", StringComparison.Ordinal));
        Assert.Contains(api, c => c.Method == "POST" && c.Path.EndsWith("/charges", StringComparison.Ordinal));
        Assert.Contains(api, c => c is { Method: "GET", Path: "/api/v1/payments" });

        var failures = new List<string>();
        foreach (var call in portal.Except(exempt))
        {
            using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
            if (call.Method != "GET")
            {
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["amount"] = "1.00",
                });
                request.Headers.Add("X-CSRF-TOKEN", token);
            }
            var response = await farms.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains(Message, StringComparison.Ordinal))
            {
                failures.Add($"{call.Method} {call.Path} answered {(int)response.StatusCode}: "
                    + $"{body[..Math.Min(body.Length, 120)]}");
            }
        }
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        foreach (var call in api)
        {
            using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
            if (call.Method != "GET")
            {
                request.Content = new StringContent(
                    """{ "amountCents": 100 }""", System.Text.Encoding.UTF8, "application/json");
                request.Headers.Add("Idempotency-Key", "standard-1");
            }
            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains(Message, StringComparison.Ordinal)
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{call.Method} {call.Path} answered {(int)response.StatusCode}: "
                    + $"{body[..Math.Min(body.Length, 120)]}");
            }
        }

        Assert.Empty(failures);
        // The page itself: open invoices with the notice, and nothing to pay with.
        var page = await farms.GetDocumentAsync("/pay");
        Assert.Contains(Message, page.QuerySelector("[data-testid=not-enabled]")!.TextContent);
        Assert.Null(page.QuerySelector("#continue"));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Payments.CountAsync()));
    }
}
