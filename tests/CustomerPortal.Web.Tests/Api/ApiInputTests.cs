using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Api;

/// <summary>Requests the API cannot read as sent: a 400 problem naming what was wrong, and nothing saved.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiInputTests(ApiPortal portal)
{
    /// <summary>The JSON of <paramref name="body"/> with <c>"key": value</c> added at the end of the object.</summary>
    private static string WithKeyAgain(object body, string key, string value) =>
        JsonSerializer.Serialize(body)[..^1] + $",\"{key}\":{JsonSerializer.Serialize(value)}}}";

    [Fact]
    public async Task ASecondCustomerIdIsRefusedNamingTheKeyAndNoInvoiceIsMade()
    {
        var other = await portal.Rocky.NewCustomerAsync();
        var id = Api.NewId("I");
        var json = WithKeyAgain(Api.Invoice("CUST-1001", number: id), "customerId", other);

        var response = await portal.Rocky.PutRawAsync($"/api/v1/invoices/{id}", json);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'customerId'", problem.ErrorsOf("customerId")[0]);
        Assert.Contains("more than once", problem.GetProperty("detail").GetString());
        await (await portal.Rocky.GetAsync($"/api/v1/invoices/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AKeyTwiceInAnotherSpellingOrInsideABatchItemIsRefusedToo()
    {
        var id = Api.NewId("C");
        var customer = WithKeyAgain(Api.Customer(account: id), "Name", "Somebody Else");
        var item = Api.Invoice("CUST-1001", id: Api.NewId("I"));
        var batch = "{\"invoices\":[" + WithKeyAgain(item, "number", "INV-OTHER") + "]}";

        var spelled = await portal.Rocky.PutRawAsync($"/api/v1/customers/{id}", customer);
        var nested = await portal.Rocky.PostAsync("/api/v1/invoices/batch",
            new StringContent(batch, Encoding.UTF8, "application/json"));

        var spelledProblem = await spelled.ProblemAsync(HttpStatusCode.BadRequest);
        var nestedProblem = await nested.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'Name'", spelledProblem.ErrorsOf("Name")[0]);
        Assert.Contains("'number'", nestedProblem.ErrorsOf("invoices[0].number")[0]);
        await (await portal.Rocky.GetAsync($"/api/v1/customers/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1e3", "limit")]
    [InlineData("limit=12.5", "limit")]
    [InlineData("limit=99999999999999999999999", "limit")]
    [InlineData("after=abc", "after")]
    [InlineData("after=1e3", "after")]
    [InlineData("after=99999999999999999999999", "after")]
    [InlineData("after=%00", "after")]
    public async Task AMalformedNumberInTheQueryIsA400ProblemNamingIt(string query, string parameter)
    {
        var response = await portal.Rocky.GetAsync("/api/v1/payments?" + query);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.ErrorsOf(parameter)[0]);
    }

    [Fact]
    public async Task EveryNumberInAnApiPathOrQueryIsCheckedTheSameWay()
    {
        var endpoints = portal.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal))
            .Where(e => !e.RoutePattern.RawText!.Contains("**", StringComparison.Ordinal));
        var cases = new List<(string Method, string Url, string Parameter)>();
        foreach (var endpoint in endpoints)
        {
            var template = endpoint.RoutePattern.RawText!;
            var numbers = endpoint.Metadata.GetMetadata<MethodInfo>()!.GetParameters()
                .Where(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) is var t
                    && (t == typeof(int) || t == typeof(long)))
                .Select(p => p.Name!).ToList();
            foreach (var number in numbers)
            {
                var path = Regex.Replace(template, @"\{(\w+)(:\w+)?\}", m => m.Groups[1].Value == number ? "abc"
                    : numbers.Contains(m.Groups[1].Value) ? "1" : "CUST-1001");
                var url = template.Contains("{" + number, StringComparison.Ordinal) ? path : $"{path}?{number}=abc";
                cases.Add((endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods[0], url, number));
            }
        }
        Assert.True(cases.Count >= 4, $"only {cases.Count} numeric parameters: {string.Join(", ", cases)}");

        foreach (var (method, url, parameter) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method != "GET")
                request.Content = new StringContent("{\"amountCents\":100}", Encoding.UTF8, "application/json");
            request.Headers.Add("Idempotency-Key", Api.NewId("K"));

            var response = await portal.Rocky.SendAsync(request);

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {url}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            Assert.True(errors.TryGetProperty(parameter, out _), $"{method} {url}: {text}");
        }
    }

    [Fact]
    public async Task ANulCharacterInJsonIsA400Problem()
    {
        var id = Api.NewId("C");
        var escaped = JsonSerializer.Serialize(Api.Customer(account: id, name: "Acme\0Paving"));
        var raw = JsonSerializer.Serialize(Api.Customer(account: id))
            .Replace("Acme Paving", "Acme\0Paving", StringComparison.Ordinal);

        var named = await portal.Rocky.PutRawAsync($"/api/v1/customers/{id}", escaped);
        var unreadable = await portal.Rocky.PutRawAsync($"/api/v1/customers/{id}", raw);

        var namedProblem = await named.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Control characters", namedProblem.ErrorsOf("name")[0]);
        var unreadableProblem = await unreadable.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("name", unreadableProblem.GetProperty("errors").GetRawText());
    }
}
