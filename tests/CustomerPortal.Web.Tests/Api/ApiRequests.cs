using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Api;

/// <summary>Requests and bodies of the back-office API, as its callers send them.</summary>
internal static class Api
{
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string url, string json) =>
        client.PutAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.JsonAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        return body;
    }

    /// <summary>The messages of one field of a validation problem.</summary>
    public static string[] ErrorsOf(this JsonElement problem, string field)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), "the problem has no errors: " + problem);
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        return messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
    }

    public static object Address(string line1 = "1 Main Street") =>
        new { line1, city = "Denver", region = "CO", postalCode = "80202", country = "US" };

    public static object Customer(string account, string name = "Acme Paving", string? email = "ap@acme.example") =>
        new { accountNumber = account, name, billingAddress = Address(), contactEmail = email };

    /// <summary>An invoice of two lines (3 × $85.00 and 1 × $45.00 = $300.00) plus $8.70 tax: total $308.70.</summary>
    public static Dictionary<string, object?> Invoice(string customerId, string? id = null, string? siteId = null,
        string number = "INV-1", string invoiceDate = "2026-11-01", string dueDate = "2026-12-01", long taxCents = 870,
        long? totalCents = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["customerId"] = customerId,
            ["siteId"] = siteId,
            ["number"] = number,
            ["invoiceDate"] = invoiceDate,
            ["dueDate"] = dueDate,
            ["lines"] = new object[]
            {
                new
                {
                    description = "Portable restroom – weekly service", quantity = 3, unitPriceCents = 8500,
                    amountCents = 25500,
                },
                new { description = "Hand-wash station", quantity = 1, unitPriceCents = 4500, amountCents = 4500 },
            },
            ["taxCents"] = taxCents,
            ["totalCents"] = totalCents ?? 30000 + taxCents,
        };
        if (id is not null) body["id"] = id;
        return body;
    }

    /// <summary>Creates a customer (and optionally a site) of the caller's company through the API.</summary>
    public static async Task<string> NewCustomerAsync(this HttpClient client)
    {
        var id = NewId("C");
        var response = await client.PutJsonAsync(
            $"/api/v1/customers/{id}", Customer(account: id, name: "Customer " + id));
        await response.JsonAsync(HttpStatusCode.Created);
        return id;
    }

    public static async Task<string> NewSiteAsync(this HttpClient client, string customerId)
    {
        var id = NewId("S");
        var response = await client.PutJsonAsync(
            $"/api/v1/sites/{id}", new { customerId, name = "Yard " + id, address = Address() });
        await response.JsonAsync(HttpStatusCode.Created);
        return id;
    }

    public static async Task<string> NewInvoiceAsync(
        this HttpClient client, string customerId, string dueDate = "2026-12-01", string? siteId = null)
    {
        var id = NewId("I");
        var response = await client.PutJsonAsync(
            $"/api/v1/invoices/{id}", Invoice(customerId, number: id, dueDate: dueDate, siteId: siteId));
        await response.JsonAsync(HttpStatusCode.Created);
        return id;
    }
}
