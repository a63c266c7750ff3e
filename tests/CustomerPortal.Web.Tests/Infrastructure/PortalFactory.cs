using System.Net;
using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real app over a real SQLite file of its own (migrated and seeded with the demo data at start), so tests see
/// exactly what a new user would. Each factory gets a fresh database; tests that change data create their own factory
/// or use data no other test depends on. Anything a test needs changed is an option set before the first request
/// (<see cref="With"/>, <see cref="WithServices"/>, <see cref="WithDbInterceptors"/>, <see cref="WithProbeEndpoints"/>,
/// <see cref="InEnvironment"/>, <see cref="ConnectingFrom"/>), not a subclass.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cp-tests", Guid.NewGuid().ToString("N"));
    // The demo and the sandbox are what the tests run on; outside Development they must be allowed explicitly.
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Database:SeedDemoData"] = "true",
        ["Database:AllowDemoData"] = "true",
        ["Payments:AllowSandbox"] = "true",
    };
    private readonly List<Action<IServiceCollection>> _services = [];
    private string _environment = "Testing";
    private IPAddress? _clientAddress;

    /// <summary>
    /// The environment variable that sets <c>MakeAPayment:KeepSnapshots</c> for every factory of a run
    /// (<c>scripts/test.sh</c> runs the web tests once with it set to false); unset, the app's default (on) applies.
    /// </summary>
    public const string KeepSnapshotsVariable = "PORTAL_TEST_KEEP_SNAPSHOTS";

    private static readonly string? KeepSnapshotsSetting = Environment.GetEnvironmentVariable(KeepSnapshotsVariable);

    /// <summary>Whether this run's apps keep invoice snapshots (<see cref="CacheOnFactAttribute"/>).</summary>
    public static bool KeepsSnapshots =>
        !string.Equals(KeepSnapshotsSetting?.Trim(), "false", StringComparison.OrdinalIgnoreCase);

    static PortalFactory()
    {
        // Many test hosts live at once; each would watch its config files with inotify and exhaust the per-user limit
        // of inotify instances (128 on Debian), failing host start at random. Tests never edit config files: don't
        // watch.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    public PortalFactory()
    {
        if (KeepSnapshotsSetting is { } keep) _settings["MakeAPayment:KeepSnapshots"] = keep;
        Directory.CreateDirectory(_folder);
        DatabasePath = Path.Combine(_folder, "portal.db");
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero));
        Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Every log event the app wrote, rendered with its properties (scanned for card and bank numbers).
    /// </summary>
    public LogCapture Logs { get; } = new();
    public string DataFolder => _folder;

    /// <summary>The app's clock: 2026-11-26 10:00 in Denver, moving forward a millisecond per read.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Overrides one configuration value; call before the first request.</summary>
    public PortalFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Replaces or adds services after the app's own (say, a gateway that throws); call before the first request.
    /// </summary>
    public PortalFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>
    /// Adds EF Core interceptors to the app's database context: to count the commands and connections a request
    /// costs (<see cref="CommandCounter"/>, <see cref="OpenCounter"/>) or to keep the SQL it sends
    /// (<see cref="SqlRecorder"/>).
    /// </summary>
    public PortalFactory WithDbInterceptors(params IInterceptor[] interceptors) =>
        WithServices(services =>
            services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(interceptors)));

    /// <summary>
    /// Adds the <see cref="ProbeController"/> endpoints (<c>/test-probe/…</c>): Pro-plan-gated writes standing in for
    /// payment endpoints, for the staff and plan rules that must hold on every such endpoint.
    /// </summary>
    public PortalFactory WithProbeEndpoints() =>
        WithServices(services =>
            services.AddControllersWithViews().AddApplicationPart(typeof(ProbeController).Assembly));

    /// <summary>Leaves a setting to the app's own files and defaults (removes one of the factory's).</summary>
    public PortalFactory Without(string key)
    {
        _settings.Remove(key);
        return this;
    }

    /// <summary>Runs the app in another environment than "Testing" (Production, Development).</summary>
    public PortalFactory InEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    /// <summary>Every request arrives from this address (the test server's connection has none of its own).</summary>
    public PortalFactory ConnectingFrom(string address)
    {
        _clientAddress = IPAddress.Parse(address);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabasePath};Pooling=True");
        // Off in the app (DatabaseOptions): a misuse still fails here.
        builder.UseSetting("Database:ThreadSafetyChecks", "true");
        builder.UseSetting("RateLimiting:SignInPermitsPerMinute", "1000");
        builder.UseSetting("Payments:Sandbox:DatabasePath", Path.Combine(_folder, "sandbox.db"));
        builder.UseSetting("Payments:RunBackgroundJobs", "false");
        // Tests start with no saved methods; With(...) turns it on.
        builder.UseSetting("Payments:SeedDemoMethods", "false");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<CustomerPortal.Web.Hosting.ILogSinkContributor>(Logs);
            if (_clientAddress is { } address)
                services.AddSingleton<IStartupFilter>(new ClientAddressFilter(address));
        });
        builder.ConfigureTestServices(services => _services.ForEach(configure => configure(services)));
    }

    /// <summary>A scope over the app's services, to read or arrange the database directly.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a file still open elsewhere: the temp folder is cleaned up later
            }
        }
    }
}

/// <summary>Sets the connection's remote address before anything else in the pipeline sees the request.</summary>
internal sealed class ClientAddressFilter(IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}
