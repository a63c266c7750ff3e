using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Features.PaymentMethods;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// Seeds the demo's saved payment methods at start when demo data is on and the sandbox is the processor.
/// </summary>
internal sealed class DemoPaymentMethodsAtStart(
    IServiceProvider services, DatabaseOptions database, IOptions<PaymentsOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!database.SeedDemoData || !options.Value.SeedDemoMethods) return;
        await using var scope = services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<Domain.Payments.Gateway.IPaymentGateway>();
        if (gateway is not SandboxProcessor) return;
        await scope.ServiceProvider.GetRequiredService<DemoPaymentMethodSeeder>().SeedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
