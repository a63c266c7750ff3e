using System.Net;
using System.Text.Json;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ApiAccessTests(ApiPortal portal)
{
    [Fact]
    public async Task AMissingKeyIsAnswered401WithProblemDetails()
    {
        var response = await portal.Client(key: null).GetAsync("/api/v1/customers/CUST-1001");

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AWrongKeyIsAnswered401()
    {
        var response = await portal.Client("cpk_" + new string('x', 43)).GetAsync("/api/v1/customers/CUST-1001");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ASignedInPortalUserWithoutAKeyIsStill401NotARedirect()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);

        var response = await client.GetAsync("/api/v1/customers/CUST-1001");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AKeyReadsItsOwnCompanysCustomer()
    {
        var body = await (await portal.Rocky.GetAsync("/api/v1/customers/CUST-1001")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("Summit Builders LLC", body.GetProperty("name").GetString());
        Assert.Equal("1001", body.GetProperty("accountNumber").GetString());
    }

    [Theory]
    [InlineData("/api/v1/customers/CUST-1001")]
    [InlineData("/api/v1/customers/CUST-1001/payment-methods")]
    [InlineData("/api/v1/invoices/INV-10001")]
    [InlineData("/api/v1/multi-site-invoices/MS-501")]
    public async Task AnotherCompanysKeySeesNothing(string url)
    {
        Assert.Equal(HttpStatusCode.OK, (await portal.Rocky.GetAsync(url)).StatusCode);

        // Payment endpoints refuse a Standard-plan key (Prairie) with 403 before looking anything up, so a Pro
        // company's key stands for "another company" there.
        var other = url.Contains("payment", StringComparison.Ordinal) ? portal.OtherPro : portal.Prairie;
        var response = await other.GetAsync(url);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnotherCompanysKeyCannotVoidOrChangeAnInvoice()
    {
        var voided = await portal.Prairie.PostAsync("/api/v1/invoices/INV-10002/void", null);
        await voided.ProblemAsync(HttpStatusCode.NotFound);

        // Upserting the same invoice id "for" a customer it cannot see is refused, and the original is untouched.
        var put = await portal.Prairie.PutJsonAsync(
            "/api/v1/invoices/INV-10002", Api.Invoice("CUST-1001", number: "INV-10002"));
        await put.ProblemAsync(HttpStatusCode.UnprocessableEntity);

        var invoice = await (await portal.Rocky.GetAsync("/api/v1/invoices/INV-10002")).JsonAsync(HttpStatusCode.OK);
        Assert.False(invoice.GetProperty("isVoid").GetBoolean());
        Assert.NotEqual(30870, invoice.GetProperty("totalCents").GetInt64());
    }

    [Fact]
    public async Task AnUnknownApiPathIsAProblemNotAPage()
    {
        var response = await portal.Rocky.GetAsync("/api/v1/no-such-thing");

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABodyOverTheLimitIsAnswered413()
    {
        var huge = "{\"name\":\"" + new string('a', 5 * 1024 * 1024) + "\"}";

        var response = await portal.Rocky.PutRawAsync("/api/v1/customers/" + Api.NewId("C"), huge);

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AWrongMethodIsAnswered405WithProblemDetails()
    {
        var response = await portal.Rocky.DeleteAsync("/api/v1/customers/CUST-1001");

        await response.ProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsAnswered415()
    {
        var response = await portal.Rocky.PutAsync("/api/v1/customers/" + Api.NewId("C"),
            new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task RotatingGivesANewKeyAndTheOldOneStopsWhenTheNewOneIsUsed()
    {
        var old = (await portal.NewKeyAsync(portal.RockyId)).Key;
        var oldClient = portal.Client(old);

        var rotated = await (await oldClient.PostAsync("/api/v1/keys/rotate", null)).JsonAsync(HttpStatusCode.OK);
        var fresh = rotated.GetProperty("key").GetString()!;
        Assert.StartsWith("cpk_", fresh);
        Assert.NotEqual(old, fresh);

        // Until the new key is used, the old one still works (a lost answer must not lock the back office out)…
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("/api/v1/customers/CUST-1001")).StatusCode);
        // …and it cannot be rotated twice.
        await (await oldClient.PostAsync("/api/v1/keys/rotate", null)).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK,
            (await portal.Client(fresh).GetAsync("/api/v1/customers/CUST-1001")).StatusCode);

        await (await oldClient.GetAsync("/api/v1/customers/CUST-1001")).ProblemAsync(HttpStatusCode.Unauthorized);
        // Other keys of the company are not affected.
        Assert.Equal(HttpStatusCode.OK, (await portal.Rocky.GetAsync("/api/v1/customers/CUST-1001")).StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentListsEveryEndpoint()
    {
        var response = await portal.Client(key: null).GetAsync("/openapi/v1.json");
        var document = await response.JsonAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");

        var endpoints = portal.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true
                && !e.RoutePattern.RawText.Contains("**", StringComparison.Ordinal))
            .ToList();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} API endpoints found");
        foreach (var endpoint in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex
                .Replace(endpoint.RoutePattern.RawText!, @"\{(\w+)(:\w+)?\}", "{$1}")
                .TrimEnd('/');
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the OpenAPI document");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _),
                    $"{method} {path} is missing from the OpenAPI document");
            }
        }
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/api/v1/", StringComparison.Ordinal));
    }
}
