using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// Webhooks that must not be believed (issue 14, finding 2: a signed event applied to a payment it does not belong to;
/// the sandbox's secret in the source) and webhooks that arrive while the processor cannot be asked (finding 4).
/// </summary>
public sealed class ForgedAndFailingWebhooks
{
    private const string SecretInTheSource = "whsec_sandbox_local_development_only";

    [Fact]
    public async Task TheSandboxSignsWithASecretOfThisInstallationNotOneFromTheSource()
    {
        await using var kit = await PayKit.StartAsync();
        var secret = SecretOf(kit);
        Assert.StartsWith("whsec_", secret);
        Assert.NotEqual(SecretInTheSource, secret);
        // generated into the data folder, beside the sandbox's database
        var file = Path.Combine(kit.Factory.DataFolder, SandboxWebhookSecret.FileName);
        Assert.Equal(secret, (await File.ReadAllTextAsync(file)).Trim());

        var invoices = await kit.OpenInvoicesAsync(1);
        await kit.SelectAsync([invoices[0].Id]);
        var (id, succeeded) = await AchSettledButNotDeliveredAsync(kit);
        var http = kit.Factory.CreateClient();

        var withTheOldSecret = await PostAsync(http, succeeded.Body, Sign(kit, SecretInTheSource, succeeded.Body));
        Assert.Equal(HttpStatusCode.BadRequest, withTheOldSecret.StatusCode);
        Assert.Equal(PaymentStatus.Processing, await StatusAsync(kit, id));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(kit, id));
    }

    [Fact]
    public async Task WhenTheProcessorCannotBeAskedAGenuineEventGets503ProblemJsonAndItsRetryAppliesIt()
    {
        var processorDown = false;
        var failing = new Mock<IPaymentGateway>();
        await using var kit = await PayKit.StartAsync(f => f.WithServices(s => s.AddTransient<IPaymentGateway>(sp =>
            processorDown ? failing.Object : sp.GetRequiredService<SandboxProcessor>())));
        var sandbox = kit.Sandbox;
        failing.SetupGet(g => g.Name).Returns(sandbox.Name);
        failing.SetupGet(g => g.WebhookSignatureHeader).Returns(sandbox.WebhookSignatureHeader);
        failing.Setup(g => g.ParseWebhook(It.IsAny<string>(), It.IsAny<string?>()))
            .Returns((string body, string? header) => sandbox.ParseWebhook(body, header));
        failing.Setup(g => g.GetPaymentAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Stripe.StripeException(HttpStatusCode.ServiceUnavailable, null, "Down"));
        var (id, succeeded) = await AchSettledButNotDeliveredAsync(kit);
        var http = kit.Factory.CreateClient();

        processorDown = true;
        var response = await PostAsync(http, succeeded.Body, succeeded.SignatureHeader);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(PaymentStatus.Processing, await StatusAsync(kit, id));
        Assert.False(await kit.DbAsync(db => db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == succeeded.EventId)));
        await kit.AssertInvariantsAsync();

        processorDown = false;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(kit, id));
        await kit.AssertInvariantsAsync();
    }

    /// <summary>An ACH payment the sandbox has settled, and its succeeded event, not delivered yet.</summary>
    private static async Task<(long PaymentId, SandboxWebhookDelivery Succeeded)> AchSettledButNotDeliveredAsync(
        PayKit kit)
    {
        var invoices = await kit.OpenInvoicesAsync(1);
        await kit.SelectAsync([invoices[0].Id]);
        var token = await kit.BankTokenAsync(PayKit.AchOk);
        var id = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + token, achAuthorized: true));
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await kit.Sandbox.SettleDueAsync(kit.Factory.Clock.GetUtcNow());
        return (id, (await kit.Sandbox.GetPendingEventsAsync()).Single(e => e.Type == "payment_intent.succeeded"));
    }

    private static string SecretOf(PayKit kit) =>
        kit.Factory.Services.GetRequiredService<IOptions<SandboxOptions>>().Value.WebhookSecret;

    private static string Sign(PayKit kit, string secret, string body) =>
        WebhookSignature.Header(secret, kit.Factory.Clock.GetUtcNow().ToUnixTimeSeconds(), body);

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(SandboxProcessor.SignatureHeaderName, header);
        return http.SendAsync(request);
    }

    private static Task<PaymentStatus> StatusAsync(PayKit kit, long id) =>
        kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());
}
