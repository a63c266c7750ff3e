using System.Globalization;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Web.Features.PaymentMethods;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>Payments' services and endpoints (one line each in <c>PortalFeatures</c>).</summary>
public static class PaymentsFeature
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration config)
    {
        services.AddPaymentGateway(config);
        services.AddOptions<PaymentsOptions>().Bind(config.GetSection(PaymentsOptions.SectionName))
            .Validate(o => o.Problems().Count == 0,
                "Payments options are invalid: check ReconcileAfter, GiveUpAfter, JobInterval and LeaseDuration.")
            .ValidateOnStart();
        services.AddScoped<PaymentLedger>();
        services.AddScoped<PaymentService>();
        services.AddScoped<PaymentQueries>();
        services.AddScoped<WebhookProcessor>();
        services.AddScoped<PaymentReconciler>();
        services.AddSingleton<ReconcileBackoff>();
        services.AddScoped<JobLeases>();
        services.AddScoped<SandboxRelay>();
        services.AddSingleton<PaymentJobs>();
        services.AddHostedService<SqliteWriteAheadLog>();
        services.AddHostedService<DemoPaymentMethodsAtStart>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentJobs>());
        return services;
    }

    public static WebApplication MapPayments(this WebApplication app)
    {
        // Raw body, no antiforgery, no sign-in: the signature is the authentication.
        app.MapPost("/webhooks/{provider}",
            async (string provider, HttpContext http, WebhookProcessor webhooks, CancellationToken ct) =>
        {
            if (http.Request.ContentLength > WebhookProcessor.MaxBodyBytes)
                return Results.Text("The event is too large.", statusCode: 413);
            using var reader = new StreamReader(http.Request.Body, System.Text.Encoding.UTF8);
            var buffer = new char[WebhookProcessor.MaxBodyBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > WebhookProcessor.MaxBodyBytes) return Results.Text("The event is too large.", statusCode: 413);
            var header = http.RequestServices
                .GetRequiredService<CustomerPortal.Domain.Payments.Gateway.IPaymentGateway>().WebhookSignatureHeader;
            var outcome = await webhooks.HandleAsync(provider, new string(buffer, 0, read),
                http.Request.Headers[header].ToString(), ct);
            if (!outcome.IsRetryLater) return Results.Text(outcome.Message, statusCode: outcome.StatusCode);
            var retryAfter = WebhookProcessor.RetryAfterSeconds;
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(outcome.Message, statusCode: outcome.StatusCode, title: "Try again later");
        }).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}

/// <summary>
/// SQLite: switch the file to write-ahead logging once (it persists in the file), so readers do not wait for the writer
/// and a commit costs one append. Writers still queue one at a time (busy timeout), which the payment write-ahead
/// relies on.
/// </summary>
public sealed class SqliteWriteAheadLog(IServiceScopeFactory scopes, DatabaseOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Provider != DatabaseProvider.Sqlite) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
