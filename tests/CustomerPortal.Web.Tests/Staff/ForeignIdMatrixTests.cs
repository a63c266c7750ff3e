using System.Net;
using System.Net.Http.Json;
using System.Text;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Staff;

/// <summary>
/// The route × id matrix: every endpoint that takes an id, a token or a reference to something a customer owns is
/// called by another customer (or, for the back-office API, another company) with customer A's values. Each must
/// answer 404 (403 where the route is for staff only) and change nothing in the portal's database or the processor's.
/// The endpoints come from the app's endpoint data source, so a new id-bearing route that is not in the matrix fails
/// the test until someone says what of customer A's fills it.
/// </summary>
public sealed class ForeignIdMatrixTests
{
    /// <summary>What customer A (Summit Builders, company Rocky) owns, made through the app as A would.</summary>
    private sealed record Owned(
        long CustomerId, string CustomerExternalId, long InvoiceId, string InvoiceExternalId, long ParentId,
        string ParentExternalId, string SiteExternalId, long PaymentId, long MethodId, string ThreeDsProcessorId,
        string Token, long EnteredId);

    private sealed record Call(string Method, string Path, Dictionary<string, string>? Form = null, string? Json = null,
        HttpStatusCode Expected = HttpStatusCode.NotFound);

    /// <summary>
    /// Route parameters that name no customer's data: a status code, a processor, a document, any path.
    /// </summary>
    private static readonly HashSet<string> NotIds =
    [
        "GET /error/{status:int}", "POST /error/{status:int}", "POST /webhooks/{provider}",
        "GET /openapi/{documentName}.json", "GET /api/v1/{**path}", "POST /api/v1/{**path}",
    ];

    /// <summary>
    /// Each id-bearing endpoint (method and route template) and the foreign calls it must refuse. An action parameter
    /// or form field is id-bearing when its name says so (…id, …ids, token, pm, method); a route is when it has a
    /// parameter.
    /// </summary>
    private static readonly Dictionary<string, Func<Owned, Call[]>> Matrix = new()
    {
        ["GET /invoices/{id:long}/pdf"] = a => [new("GET", $"/invoices/{a.InvoiceId}/pdf")],
        ["GET /multi-site-invoices/{id:long}/pdf"] = a => [new("GET", $"/multi-site-invoices/{a.ParentId}/pdf")],
        ["GET /payments/{id:long}/receipt.pdf"] = a => [new("GET", $"/payments/{a.PaymentId}/receipt.pdf")],
        ["GET /pay/payments/{id:long}"] = a => [new("GET", $"/pay/payments/{a.PaymentId}")],
        ["GET /pay/methods/{id:long}/remove"] = a => [new("GET", $"/pay/methods/{a.MethodId}/remove")],
        ["POST /pay/methods/{id:long}/remove"] = a => [new("POST", $"/pay/methods/{a.MethodId}/remove", [])],
        ["POST /pay/methods/{id:long}/default"] = a => [new("POST", $"/pay/methods/{a.MethodId}/default", [])],
        ["POST /pay/methods"] = a => [new("POST", "/pay/methods", new() { ["token"] = a.Token })],
        ["POST /pay/methods/entered/{id:long}"] = a =>
            [new("POST", $"/pay/methods/entered/{a.EnteredId}", new() { ["achAuthorized"] = "true" })],
        ["GET /sandbox/3ds/{id}"] = a => [new("GET", $"/sandbox/3ds/{a.ThreeDsProcessorId}")],
        ["POST /sandbox/3ds/{id}"] = a =>
            [new("POST", $"/sandbox/3ds/{a.ThreeDsProcessorId}", new() { ["approve"] = "true" })],
        ["GET /pay/checkout"] = a =>
        [
            new("GET", $"/pay/checkout?method=saved-{a.MethodId}"),
            new("GET", $"/pay/checkout?method=entered-{a.EnteredId}"),
            new("GET", $"/pay/checkout?method=new-{a.Token}"),
        ],
        ["POST /pay/checkout"] = a =>
        [
            new("POST", "/pay/checkout", new() { ["Method"] = "new-" + a.Token }),
            new("POST", "/pay/checkout", new() { ["Method"] = $"saved-{a.MethodId}" }),
            new("POST", "/pay/checkout", new() { ["Method"] = $"entered-{a.EnteredId}" }),
        ],
        ["POST /pay/selection/invoice"] = a =>
            [new("POST", "/pay/selection/invoice", new() { ["invoiceId"] = $"{a.InvoiceId}", ["check"] = "true" })],
        ["POST /pay/selection/parent"] = a =>
            [new("POST", "/pay/selection/parent", new() { ["parentId"] = $"{a.ParentId}", ["check"] = "true" })],
        ["POST /pay/selection/page"] = a => [new("POST", "/pay/selection/page", new() { ["ids"] = $"{a.InvoiceId}" })],
        // Identity checks the one-time token against the user it was made for: A's email with a token that is not
        // A's shows the form again with "expired or already used" and changes nothing.
        ["GET /account/set-password"] = _ => [],
        ["POST /account/set-password"] = _ =>
        [
            new("POST", "/account/set-password", new()
            {
                ["Email"] = DemoAccounts.ProCustomer, ["Token"] = "CfDJ8-not-A's-token",
                ["Password"] = "Another!Pass2026", ["ConfirmPassword"] = "Another!Pass2026",
            }, Expected: HttpStatusCode.OK),
        ],
        ["POST /staff/customers/{id:long}/view-as"] = a =>
            [new("POST", $"/staff/customers/{a.CustomerId}/view-as", [], Expected: HttpStatusCode.Forbidden)],

        // The back-office API, called with another company's key. Ids there are the back office's own (per company).
        ["GET /api/v1/customers/{id}"] = a => [new("GET", $"/api/v1/customers/{a.CustomerExternalId}")],
        ["POST /api/v1/customers/{id}/users"] = a =>
            [new("POST", $"/api/v1/customers/{a.CustomerExternalId}/users", Json: """{"email":"x@evil.example"}""")],
        ["GET /api/v1/customers/{id}/payment-methods"] = a =>
            [new("GET", $"/api/v1/customers/{a.CustomerExternalId}/payment-methods")],
        ["POST /api/v1/customers/{id}/payment-methods/{methodId}/charges"] = a =>
            [new("POST", $"/api/v1/customers/{a.CustomerExternalId}/payment-methods/{a.MethodId}/charges",
                Json: $$"""{"invoiceIds":["{{a.InvoiceExternalId}}"],"amountCents":100}""")],
        ["GET /api/v1/sites/{id}"] = a => [new("GET", $"/api/v1/sites/{a.SiteExternalId}")],
        ["GET /api/v1/invoices/{id}"] = a => [new("GET", $"/api/v1/invoices/{a.InvoiceExternalId}")],
        ["POST /api/v1/invoices/{id}/void"] = a =>
            [new("POST", $"/api/v1/invoices/{a.InvoiceExternalId}/void", Json: "{}")],
        ["GET /api/v1/multi-site-invoices/{id}"] = a =>
            [new("GET", $"/api/v1/multi-site-invoices/{a.ParentExternalId}")],
        ["GET /api/v1/payments/{id}"] = a => [new("GET", $"/api/v1/payments/{a.PaymentId}")],
        // A PUT creates or replaces under the caller's own ids: what is foreign there is a reference in the body. The
        // answer is the one for a reference that does not exist at all (422), so it tells nothing, and nothing changes.
        ["PUT /api/v1/customers/{id}"] = _ => [],
        ["PUT /api/v1/sites/{id}"] = a =>
            [new("PUT", "/api/v1/sites/S-matrix", Json: $$"""
                {"customerId":"{{a.CustomerExternalId}}","name":"Yard","address":{"line1":"1 Main","city":"Denver",
                 "region":"CO","postalCode":"80202","country":"US"} }
                """, Expected: HttpStatusCode.UnprocessableEntity)],
        ["PUT /api/v1/invoices/{id}"] = a =>
        [
            new("PUT", "/api/v1/invoices/I-matrix", Json: InvoiceJson(a.CustomerExternalId, null),
                Expected: HttpStatusCode.UnprocessableEntity),
            new("PUT", "/api/v1/invoices/I-matrix", Json: InvoiceJson(OwnCustomer, a.SiteExternalId),
                Expected: HttpStatusCode.UnprocessableEntity),
        ],
        ["PUT /api/v1/multi-site-invoices/{id}"] = a =>
        [
            new("PUT", "/api/v1/multi-site-invoices/M-matrix",
                Json: ParentJson(a.CustomerExternalId, a.InvoiceExternalId),
                Expected: HttpStatusCode.UnprocessableEntity),
            new("PUT", "/api/v1/multi-site-invoices/M-matrix", Json: ParentJson(OwnCustomer, a.InvoiceExternalId),
                Expected: HttpStatusCode.UnprocessableEntity),
        ],
    };

    /// <summary>The other company's own customer, so a body can pair a valid id of its own with one of A's.</summary>
    private const string OwnCustomer = "C-other-own";

    private static string InvoiceJson(string customerId, string? siteId) => $$"""
        {"customerId":"{{customerId}}","siteId":{{(siteId is null ? "null" : $"\"{siteId}\"")}},"number":"INV-M",
         "invoiceDate":"2026-11-01","dueDate":"2026-12-01","lines":[{"description":"x","quantity":1,
         "unitPriceCents":100,"amountCents":100}],"taxCents":0,"totalCents":100}
        """;

    private static string ParentJson(string customerId, string childId) => $$"""
        {"customerId":"{{customerId}}","number":"MS-M","invoiceDate":"2026-11-01","dueDate":"2026-12-01",
         "invoiceIds":["{{childId}}"]}
        """;

    [Fact]
    public async Task EveryIdBearingEndpointAnswersNotFoundToAnotherCustomersIdsAndChangesNothing()
    {
        await using var kit = await PayKit.StartAsync();
        var factory = kit.Factory;
        var a = await OwnedByCustomerAAsync(kit);

        var unlisted = IdBearingEndpoints(factory).Where(k => !Matrix.ContainsKey(k)).ToList();
        Assert.True(unlisted.Count == 0,
            "Id-bearing endpoints missing from the matrix (say what of customer A's fills them):\n"
            + string.Join("\n", unlisted));
        var stale = Matrix.Keys.Except(IdBearingEndpoints(factory)).ToList();
        Assert.True(stale.Count == 0, "Matrix rows for endpoints that no longer exist:\n" + string.Join("\n", stale));

        var b = await PortalClient.SignedInAsync(factory, DemoAccounts.SecondCustomer);
        // B has chosen one of its own invoices, so a Pay with A's method or token gets as far as the method check.
        var bUser = await factory.UserIdAsync(DemoAccounts.SecondCustomer);
        var bCustomer = await factory.CustomerIdAsync("1002");
        var bInvoice = await kit.DbAsync(db => db.Invoices
            .Where(i => i.CustomerId == bCustomer && i.MultiSiteInvoiceId == null && !i.IsVoid && i.BalanceCents > 0)
            .Select(i => i.Id).FirstAsync());
        await kit.SelectAsync([bInvoice], bUser, bCustomer);
        var checkout = await b.GetDocumentAsync("/pay/checkout");
        var bPay = new Dictionary<string, string>
        {
            ["DraftRevision"] = checkout.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = checkout.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        };
        await b.GetDocumentAsync("/pay/history");
        var token = PortalClient.AntiforgeryToken(checkout);
        var otherCompanyKey = await OtherProCompanyKeyAsync(factory);
        var api = factory.CreateClient(new() { AllowAutoRedirect = false });
        api.DefaultRequestHeaders.Add("X-Api-Key", otherCompanyKey);
        var own = await api.PutAsJsonAsync(
            $"/api/v1/customers/{OwnCustomer}", CustomerPortal.Web.Tests.Api.Api.Customer(OwnCustomer));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);

        var portalBefore = StaffSteps.Snapshot(factory);
        var sandboxBefore = StaffSteps.Snapshot(Path.Combine(factory.DataFolder, "sandbox.db"));
        var failures = new List<string>();
        foreach (var (route, calls) in Matrix)
        {
            foreach (var call in calls(a))
            {
                var isApi = call.Path.StartsWith("/api/", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
                if (call.Json is not null)
                    request.Content = new StringContent(call.Json, Encoding.UTF8, "application/json");
                if (isApi && call.Method == "POST")
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                else if (call.Form is not null)
                {
                    var fields = new Dictionary<string, string>(call.Form) { ["__RequestVerificationToken"] = token };
                    if (call.Path == "/pay/checkout") foreach (var (k, v) in bPay) fields[k] = v;
                    request.Content = new FormUrlEncodedContent(fields);
                }
                var response = await (isApi ? api : b.Http).SendAsync(request);
                if (response.StatusCode != call.Expected)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{route}: {call.Method} {call.Path} answered {(int)response.StatusCode} "
                        + $"{response.Headers.Location} {body[..Math.Min(body.Length, 160)]}");
                }
            }
        }

        Assert.True(failures.Count == 0, "Foreign ids that were not refused:\n" + string.Join("\n", failures));
        Assert.Equal(portalBefore, StaffSteps.Snapshot(factory));
        Assert.Equal(sandboxBefore, StaffSteps.Snapshot(Path.Combine(factory.DataFolder, "sandbox.db")));
    }

    /// <summary>"METHOD /template" of every endpoint with a route parameter or an id-like action input.</summary>
    private static List<string> IdBearingEndpoints(PortalFactory factory)
    {
        var source = factory.Services.GetRequiredService<EndpointDataSource>();
        var keys = new List<string>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            if (template.StartsWith("/test-probe", StringComparison.Ordinal)) continue;
            var action = endpoint.Metadata.GetMetadata<ControllerActionDescriptor>();
            var idBearing = endpoint.RoutePattern.Parameters.Count > 0 || (action is not null && HasIdInput(action));
            if (!idBearing) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                var key = $"{method} {template}";
                if (!NotIds.Contains(key)) keys.Add(key);
            }
        }
        return keys.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static bool HasIdInput(ActionDescriptor action) =>
        action.Parameters.Any(p => IsIdName(p.Name) || (p.ParameterType.IsClass && p.ParameterType != typeof(string)
            && p.ParameterType.GetProperties().Any(prop => IsIdName(prop.Name))));

    private static bool IsIdName(string name) =>
        name.EndsWith("id", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("ids", StringComparison.OrdinalIgnoreCase)
        || name.Equals("token", StringComparison.OrdinalIgnoreCase)
        || name.Equals("pm", StringComparison.OrdinalIgnoreCase)
        || name.Equals("method", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Customer A pays by card, saves a card, starts a 3-D Secure payment and enters a card it does not pay with.
    /// </summary>
    private static async Task<Owned> OwnedByCustomerAAsync(PayKit kit)
    {
        var invoices = await kit.OpenInvoicesAsync(3);
        await kit.SelectAsync([invoices[0].Id]);
        var paid = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + await kit.CardTokenAsync(PayKit.Visa), save: true));
        await kit.SelectAsync([invoices[1].Id]);
        var threeDs = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + await kit.CardTokenAsync(PayKit.ThreeDs)));
        var token = await kit.CardTokenAsync(PayKit.Visa, month: 11, year: 2031);
        return await kit.DbAsync(async db =>
        {
            var customer = await db.Customers.SingleAsync(c => c.Id == kit.CustomerId);
            var invoice = invoices[2];
            var parent = await db.MultiSiteInvoices
                .Where(m => m.CustomerId == kit.CustomerId).OrderBy(m => m.Id).FirstAsync();
            var site = await db.Sites.Where(s => s.CustomerId == kit.CustomerId).OrderBy(s => s.Id).FirstAsync();
            var method = await db.SavedPaymentMethods
                .Where(m => m.CustomerId == kit.CustomerId).Select(m => m.Id).SingleAsync();
            var processorId = await db.Payments
                .Where(p => p.Id == threeDs).Select(p => p.ProcessorPaymentId).SingleAsync();
            var entered = await db.EnteredPaymentTokens.Where(t => t.Token == token).Select(t => t.Id).SingleAsync();
            return new Owned(customer.Id, customer.ExternalId, invoice.Id, invoice.ExternalId, parent.Id,
                parent.ExternalId, site.ExternalId, paid, method, processorId!, token, entered);
        });
    }

    private static async Task<string> OtherProCompanyKeyAsync(PortalFactory factory)
    {
        var companyId = await factory.WithDbAsync(async db =>
        {
            var company = new CustomerPortal.Domain.Companies.Company("Other Pro Rentals",
                new CustomerPortal.Domain.Companies.Address("9 Side Road", null, "Boulder", "CO", "80301", "US"),
                "America/Denver", "USD", CustomerPortal.Domain.Companies.Plan.Pro);
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company.Id;
        });
        await using var scope = factory.Scope();
        return (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(companyId)).Key;
    }
}
