using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// The background half of payments, every <see cref="PaymentsOptions.JobInterval"/>: the sandbox's settlement and event
/// delivery, then the reconciler (under its lease). Tests turn the timer off and run <see cref="RunOnceAsync"/>.
/// </summary>
public sealed class PaymentJobs(IServiceScopeFactory scopes, IOptions<PaymentsOptions> options,
    ILogger<PaymentJobs> log) : BackgroundService
{
    /// <summary>This process's name on the reconciler lease.</summary>
    public string Holder { get; } =
        $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var h && h.Length > 100
            ? h[..100]
            : h;

    public async Task<int?> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SandboxRelay>().RunOnceAsync(ct);
        return await scope.ServiceProvider.GetRequiredService<PaymentReconciler>().RunOnceAsync(Holder, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunBackgroundJobs) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Real time, not the app's clock: the interval is about the machine, not business dates.
                await Task.Delay(options.Value.JobInterval, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Payment jobs pass failed; trying again next interval");
            }
        }
    }
}
