using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Api.Customers;
using CustomerPortal.Web.Api.Invoices;
using CustomerPortal.Web.Api.Payments;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api;

/// <summary>
/// The back-office API (docs/api.md): <c>/api/v1</c>, authenticated by a company's API key in <c>X-Api-Key</c>,
/// JSON in and out, RFC 9457 problem details for every error, described at <c>/openapi/v1.json</c>.
/// </summary>
public static class BackOfficeApi
{
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";

    public static IServiceCollection AddBackOfficeApi(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<BackOfficeApiOptions>().Bind(config.GetSection(BackOfficeApiOptions.Section))
            .Validate(o => o.MaxRequestBodyBytes is >= 1024 and <= 64 * 1024 * 1024,
                "Api:MaxRequestBodyBytes must be between 1 KB and 64 MB.")
            .ValidateOnStart();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<DemoApiKeySeeder>();
        services.AddHostedService<DemoApiKeysAtStart>();
        services.AddSingleton<ApiJson>();
        // A value that cannot be bound is answered by ApiParameters as problem details in every environment; in
        // Development ASP.NET Core would otherwise throw before the API's filters run and show its error page.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.AddSingleton<ApiFallback>();
        services.AddScoped<CustomerApiService>();
        services.AddScoped<PortalUserApiService>();
        services.AddScoped<InvoiceApiService>();
        services.AddScoped<MultiSiteInvoiceApiService>();
        services.AddScoped<PaymentApiService>();
        services.AddScoped<BackOfficeChargeService>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(ApiKeyAuthenticationHandler.Policy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(ApiKeyAuthenticationHandler.CompanyClaim)));

        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CustomerPortal back-office API",
                    Version = "v1",
                    Description = "Customers, sites, invoices and multi-site invoices pushed by the back office; " +
                                  "payments and saved methods read by it. " +
                                  "Money is whole cents. Errors are RFC 9457 problem details. See docs/api.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.Header,
                    Description = "The company's API key (cpk_…).",
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
                    },
                ];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapBackOfficeApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();

        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ApiKeyAuthenticationHandler.Policy)
            .AddEndpointFilter<ApiErrorFilter>()
            .AddEndpointFilterFactory(ApiParameters.Check)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        var customers = api.MapGroup("/customers").WithTags("Customers");
        customers.MapPut("/{id}",
                async (string id, HttpContext http, ApiJson json, CustomerApiService svc, CancellationToken ct) =>
                {
                    var (view, outcome) = await svc.UpsertCustomerAsync(
                        http.User.CompanyId(), id, await json.ReadAsync<CustomerRequest>(http, ct), ct);
                    return Upserted(outcome, $"{Prefix}/customers/{view.Id}", view);
                })
            .Accepts<CustomerRequest>("application/json")
            .Produces<CustomerView>().Produces<CustomerView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("UpsertCustomer").WithSummary("Create or update a customer by the back office's id.");
        customers.MapGet("/{id}", (string id, HttpContext http, CustomerApiService svc, CancellationToken ct) =>
                svc.GetCustomerAsync(http.User.CompanyId(), id, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetCustomer").WithSummary("Read a customer.");
        customers.MapPost("/{id}/users",
                async (string id, HttpContext http, ApiJson json, PortalUserApiService svc, CancellationToken ct) =>
                {
                    var (view, outcome) = await svc.InviteAsync(
                        http.User.CompanyId(), id, await json.ReadAsync<PortalUserRequest>(http, ct), ct);
                    return outcome == UpsertOutcome.Created
                        ? Results.Json(view, statusCode: StatusCodes.Status201Created)
                        : Results.Ok(view);
                })
            .Accepts<PortalUserRequest>("application/json")
            .Produces<PortalUserView>().Produces<PortalUserView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("InvitePortalUser")
            .WithSummary("Invite a customer contact, or create their sign-in with a password.");
        customers.MapGet("/{id}/payment-methods",
                (string id, HttpContext http, PaymentApiService svc, CancellationToken ct) =>
                    svc.ListMethodsAsync(http.User.CompanyId(), id, ct))
            .RequireProPlanForApi()
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("ListSavedPaymentMethods")
            .WithSummary(
                "The customer's saved cards and bank accounts: brand or bank, last 4, expiry. Never full numbers.");
        // Numbers in paths have no route constraint: a malformed one is a 400 naming it (ApiParameters), not a 404.
        customers.MapPost("/{id}/payment-methods/{methodId}/charges",
                async (string id, long methodId, HttpContext http, ApiJson json, PaymentApiService payments,
                    BackOfficeChargeService charges, CancellationToken ct) =>
                {
                    var companyId = http.User.CompanyId();
                    var body = await json.ReadAsync<ChargeRequest>(http, ct);
                    var key = ChargeKey(http, body);
                    var (customerKey, method) = await payments.MethodKeyAsync(companyId, id, methodId, ct);
                    var charge = CheckCharge(
                        companyId, customerKey, method, key, "api:" + http.User.Identity?.Name, body);
                    var made = await charges.ChargeAsync(charge, ct);
                    return ChargeAnswer(await payments.GetAsync(companyId, made.PaymentId, ct), made.Replayed);
                })
            .RequireProPlanForApi()
            .Accepts<ChargeRequest>("application/json")
            .Produces<PaymentView>(StatusCodes.Status201Created).Produces<PaymentView>()
            .Produces<PaymentView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("ChargeSavedPaymentMethod")
            .WithSummary("Charge a saved method off-session (header Idempotency-Key required): "
                + "invoices at their balance, or an amount oldest first.");

        var sites = api.MapGroup("/sites").WithTags("Sites");
        sites.MapPut("/{id}",
                async (string id, HttpContext http, ApiJson json, CustomerApiService svc, CancellationToken ct) =>
                {
                    var (view, outcome) = await svc.UpsertSiteAsync(
                        http.User.CompanyId(), id, await json.ReadAsync<SiteRequest>(http, ct), ct);
                    return Upserted(outcome, $"{Prefix}/sites/{view.Id}", view);
                })
            .Accepts<SiteRequest>("application/json")
            .Produces<SiteView>().Produces<SiteView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("UpsertSite").WithSummary("Create or update a site of a customer.");
        sites.MapGet("/{id}", (string id, HttpContext http, CustomerApiService svc, CancellationToken ct) =>
                svc.GetSiteAsync(http.User.CompanyId(), id, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetSite").WithSummary("Read a site.");

        var invoices = api.MapGroup("/invoices").WithTags("Invoices");
        invoices.MapPost("/batch",
                async (HttpContext http, ApiJson json, InvoiceApiService svc, CancellationToken ct) =>
                    Results.Ok(await svc.UpsertManyAsync(
                        http.User.CompanyId(), await json.ReadAsync<InvoiceBatchRequest>(http, ct), ct)))
            .Accepts<InvoiceBatchRequest>("application/json").Produces<InvoiceBatchResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("UpsertInvoiceBatch")
            .WithSummary("Create or update up to 1,000 invoices: all or nothing, with per-item errors.");
        invoices.MapPut("/{id}",
                async (string id, HttpContext http, ApiJson json, InvoiceApiService svc, CancellationToken ct) =>
                {
                    var (view, outcome) = await svc.UpsertOneAsync(
                        http.User.CompanyId(), id, await json.ReadAsync<InvoiceRequest>(http, ct), ct);
                    return Upserted(outcome, $"{Prefix}/invoices/{view.Id}", view);
                })
            .Accepts<InvoiceRequest>("application/json")
            .Produces<InvoiceView>().Produces<InvoiceView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName("UpsertInvoice").WithSummary("Create or update an invoice with its lines, tax and total.");
        invoices.MapGet("/{id}", (string id, HttpContext http, InvoiceApiService svc, CancellationToken ct) =>
                svc.GetAsync(http.User.CompanyId(), id, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetInvoice")
            .WithSummary("Read an invoice with its lines and balance.");
        invoices.MapPost("/{id}/void", (string id, HttpContext http, InvoiceApiService svc, CancellationToken ct) =>
                svc.VoidAsync(http.User.CompanyId(), id, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("VoidInvoice").WithSummary("Void an invoice (refused once money has been applied).");

        var multiSite = api.MapGroup("/multi-site-invoices").WithTags("Multi-site invoices");
        multiSite.MapPut("/{id}",
                async (string id, HttpContext http, ApiJson json, MultiSiteInvoiceApiService svc,
                    CancellationToken ct) =>
                {
                    var (view, outcome) = await svc.UpsertAsync(
                        http.User.CompanyId(), id, await json.ReadAsync<MultiSiteInvoiceRequest>(http, ct), ct);
                    return Upserted(outcome, $"{Prefix}/multi-site-invoices/{view.Id}", view);
                })
            .Accepts<MultiSiteInvoiceRequest>("application/json")
            .Produces<MultiSiteInvoiceView>().Produces<MultiSiteInvoiceView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("UpsertMultiSiteInvoice")
            .WithSummary("Create or update a multi-site invoice; its children become exactly the listed invoices.");
        multiSite.MapGet("/{id}", (string id, HttpContext http, MultiSiteInvoiceApiService svc, CancellationToken ct) =>
                svc.GetAsync(http.User.CompanyId(), id, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).WithName("GetMultiSiteInvoice")
            .WithSummary("Read a multi-site invoice and its children.");

        var payments = api.MapGroup("/payments").WithTags("Payments").RequireProPlanForApi();
        payments.MapGet("", (HttpContext http, PaymentApiService svc, long? after, int? limit, CancellationToken ct) =>
                svc.ListAsync(http.User.CompanyId(), after, limit, ct))
            .ProducesValidationProblem().WithName("ListPayments")
            .WithSummary(
                "Payments with an id above the cursor 'after', oldest first; pass nextCursor back as 'after'.");
        payments.MapGet("/{id}", (long id, HttpContext http, PaymentApiService svc, CancellationToken ct) =>
                svc.GetAsync(http.User.CompanyId(), id, ct))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetPayment").WithSummary("Read a payment with its allocations to invoices.");

        api.MapPost("/keys/rotate", async (HttpContext http, ApiKeyService keys, CancellationToken ct) =>
            {
                var rotated = await keys.RotateAsync(http.User.ApiKeyId(), ct)
                    ?? throw ApiProblem.Conflict("This key has already been rotated. Use the new key.");
                return Results.Ok(new RotatedKeyView(
                    rotated.Key.Key, rotated.Key.Prefix, rotated.Key.CreatedAt, rotated.PreviousKeyEndsBy));
            })
            .WithTags("Keys").Produces<RotatedKeyView>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("RotateApiKey")
            .WithSummary("Issue a new key; the key used for this call stops working when the new key is first used, "
                + "or after 24 hours.");

        // Anything else under /api/v1 is answered with problem details (404/405/415), never the HTML error page.
        api.MapFallback("{**path}", (HttpContext http, ApiFallback fallback) => fallback.Answer(http))
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Upserted<T>(UpsertOutcome outcome, string location, T view) =>
        outcome == UpsertOutcome.Created ? Results.Created(location, view) : Results.Ok(view);

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// The charge's key: the Idempotency-Key header, required; a key in the body, if any, must be the same.
    /// </summary>
    private static string ChargeKey(HttpContext http, ChargeRequest body)
    {
        var header = http.Request.Headers[IdempotencyKeyHeader];
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header.ToString()))
        {
            throw ApiProblem.Invalid(IdempotencyKeyHeader,
                "Send an Idempotency-Key header: your own id for this charge (the same key again is the same charge).");
        }
        var errors = new ApiErrors();
        var key = header.Count == 1 ? ApiValidation.ExternalId(errors, IdempotencyKeyHeader, header.ToString()) : null;
        if (header.Count > 1) errors.Add(IdempotencyKeyHeader, "Send one Idempotency-Key header.");
        if (key is not null && body.IdempotencyKey is not null
            && !string.Equals(body.IdempotencyKey, key, StringComparison.Ordinal))
        {
            errors.Add("idempotencyKey",
                "The key in the body differs from the Idempotency-Key header; send one key (the header).");
        }
        errors.ThrowIfAny();
        return key!;
    }

    private static BackOfficeCharge CheckCharge(
        long companyId, long customerKey, long methodId, string key, string submittedBy, ChargeRequest body)
    {
        var errors = new ApiErrors();
        long? amount = null;
        if (body.AmountCents is { } value)
        {
            if (value <= 0) errors.Rule("amountCents", "A charge must be more than zero cents.");
            else if (value != decimal.Truncate(value))
            {
                errors.Rule("amountCents",
                    "Money is a whole number of cents, written as a JSON integer (12550 for $125.50).");
            }
            else if (value > long.MaxValue)
                errors.Rule("amountCents", "The amount is beyond the largest amount of cents there can be.");
            else amount = (long)value;
        }
        var ids = new List<string>();
        if (body.InvoiceIds is { Count: > InvoiceSelection.MaxInvoicesPerPayment })
        {
            errors.Rule("invoiceIds", $"One payment covers at most {InvoiceSelection.MaxInvoicesPerPayment} invoices; "
                + $"{body.InvoiceIds.Count} were sent.");
        }
        else if (body.InvoiceIds is not null)
        {
            for (var i = 0; i < body.InvoiceIds.Count; i++)
            {
                var invoiceId = ApiValidation.ExternalId(errors, $"invoiceIds[{i}]", body.InvoiceIds[i]);
                if (invoiceId is null) continue;
                if (ids.Contains(invoiceId, StringComparer.Ordinal))
                    errors.Add($"invoiceIds[{i}]", $"Invoice '{invoiceId}' is listed twice.");
                else ids.Add(invoiceId);
            }
        }
        if (body.AmountCents is null && body.InvoiceIds is not { Count: > 0 })
        {
            errors.Add("$",
                "Send invoiceIds (each paid its whole balance) or amountCents (applied to the oldest invoices first).");
        }
        errors.ThrowIfAny();
        return new BackOfficeCharge(companyId, customerKey, methodId, amount, ids, key, submittedBy);
    }

    /// <summary>
    /// 201 with the payment when it succeeded or is pending (ACH), 200 with it when the key had already made it; 402
    /// with the processor's reason when declined (nothing applied); 202 with it while the processor's answer is
    /// unknown (the reconciler settles it; read it again by id). A repeat while the first request is still at the
    /// processor has no answer to repeat yet: 409, as Stripe answers a key in use, naming the payment (send again for
    /// the answer).
    /// </summary>
    private static IResult ChargeAnswer(PaymentView payment, bool replayed)
    {
        var location = $"{Prefix}/payments/{payment.Id}";
        switch (payment.Status)
        {
            case nameof(PaymentStatus.Submitted) when replayed:
                var inFlight = ApiProblem.Conflict(
                    $"A charge with this Idempotency-Key is still in progress (payment {payment.Id}). " +
                    "Send the same request again in a few seconds for its answer; nothing more will be charged.");
                inFlight.Extensions["paymentId"] = payment.Id;
                return inFlight.ToResult();
            case nameof(PaymentStatus.Failed) or nameof(PaymentStatus.Returned):
                var declined = new ApiProblem(StatusCodes.Status402PaymentRequired, "The payment was declined",
                    payment.FailureMessage ?? "The payment was declined. Nothing was charged.");
                declined.Extensions["paymentId"] = payment.Id;
                declined.Extensions["failureCode"] = payment.FailureCode;
                declined.Extensions["payment"] = payment;
                return declined.ToResult();
            case nameof(PaymentStatus.Succeeded) or nameof(PaymentStatus.Processing):
                return replayed ? Results.Ok(payment) : Results.Created(location, payment);
            default: // Submitted, Unknown, RequiresAction: being checked with the processor
                return Results.Accepted(location, payment);
        }
    }
}

public sealed record RotatedKeyView(
    string Key, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset PreviousKeyEndsBy);

/// <summary>
/// In Development with <c>Api:DemoKey</c> set, gives each company its demo API key after the demo seed and prints the
/// keys to the console (not to the log pipeline: logs never carry keys).
/// </summary>
internal sealed class DemoApiKeysAtStart(
    IServiceProvider services,
    IHostEnvironment env,
    Microsoft.Extensions.Options.IOptions<BackOfficeApiOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!env.IsDevelopment() || string.IsNullOrWhiteSpace(options.Value.DemoKey)) return;
        await using var scope = services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<DemoApiKeySeeder>()
            .SeedAsync(options.Value.DemoKey, cancellationToken);
        foreach (var (company, key) in keys) Console.Out.WriteLine($"Demo back-office API key for {company}: {key}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
