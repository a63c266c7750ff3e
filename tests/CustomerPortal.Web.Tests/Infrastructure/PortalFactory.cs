using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real app over a real SQLite file of its own (migrated and seeded with the demo data at start), so tests see
/// exactly what a new user would. Each factory gets a fresh database; tests that change data create their own factory
/// or use data no other test depends on.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cp-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<Action<IServiceCollection>> _services = [];

    static PortalFactory()
    {
        // Many test hosts live at once; each would watch its config files with inotify and exhaust the per-user limit
        // of inotify instances (128 on Debian), failing host start at random. Tests never edit config files: don't watch.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    public PortalFactory()
    {
        Directory.CreateDirectory(_folder);
        DatabasePath = Path.Combine(_folder, "portal.db");
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero));
        Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
    }

    public string DatabasePath { get; }

    /// <summary>Every log event the app wrote, rendered with its properties (scanned for card and bank numbers).</summary>
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabasePath};Pooling=True");
        builder.UseSetting("Database:ThreadSafetyChecks", "true"); // off in the app (DatabaseOptions): a misuse still fails here
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(_folder, "keys"));
        builder.UseSetting("RateLimiting:SignInPermitsPerMinute", "1000");
        builder.UseSetting("Payments:Sandbox:DatabasePath", Path.Combine(_folder, "sandbox.db"));
        builder.UseSetting("Payments:RunBackgroundJobs", "false");
        builder.UseSetting("Payments:SeedDemoMethods", "false"); // tests start with no saved methods; With(...) turns it on
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<CustomerPortal.Web.Hosting.ILogSinkContributor>(Logs);
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
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
