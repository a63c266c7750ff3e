using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Infrastructure.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// For SQLite, defaults to a file in <c>data/</c> beside the content root (created on first run).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply pending migrations at start. Production may turn it off and run the idempotent script instead.
    /// </summary>
    public bool ApplyMigrationsOnStart { get; set; } = true;

    /// <summary>
    /// Seed the demo data set on an empty database. Off unless configured: Development turns it on
    /// (appsettings.Development.json); elsewhere it also needs <c>Database:AllowDemoData</c>.
    /// </summary>
    public bool SeedDemoData { get; set; }

    /// <summary>
    /// SQLite only: <c>true</c> keeps <c>synchronous=FULL</c> (an fsync per commit: a commit survives a power loss or
    /// OS crash). The default, <c>false</c>, uses <c>synchronous=NORMAL</c> in WAL: commits survive a crash of the
    /// process, but the last ones before a power loss can be lost. See docs/benchmarks.md, "Payments".
    /// </summary>
    public bool SqliteSyncEveryCommit { get; set; }

    /// <summary>
    /// SQLite only: checkpoint the write-ahead log in the background (<see cref="SqliteCheckpointer"/>) instead of
    /// inside the commit that crosses 1,000 pages. <c>false</c> keeps SQLite's default.
    /// </summary>
    public bool SqliteBackgroundCheckpoints { get; set; } = true;

    /// <summary>
    /// EF Core's check that no context is used by two operations at once. It guards against a programming error only
    /// (each request has its own context and awaits every query), and costs an AsyncLocal write per row read — a tenth
    /// of the Make a Payment actions' allocations. Off by default; the tests turn it on, so a misuse still fails there.
    /// </summary>
    public bool ThreadSafetyChecks { get; set; }
}

public static class DatabaseSetup
{
    /// <summary>Registers the provider's context as <see cref="AppDbContext"/>.</summary>
    public static IServiceCollection AddPortalDatabase(
        this IServiceCollection services, DatabaseOptions options, string contentRoot)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = SqliteConnectionString(options.ConnectionString, contentRoot);
                var settings = new SqliteConnectionSettings(
                    options.SqliteSyncEveryCommit, options.SqliteBackgroundCheckpoints);
                // Id lists (a selection of up to 200 invoices) go as one JSON parameter read with json_each: EF's
                // default of one parameter per id costs Microsoft.Data.Sqlite a by-name lookup per parameter over all
                // the others. Pooled contexts: building a context's internal services on every request was a tenth of a
                // simple page's CPU. A pooled context is reset when its request ends; nothing per request may be keyed
                // on it.
                services.AddDbContextPool<SqliteAppDbContext>(o => o
                    .UseSqlite(sqlite, s => s.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                    .EnableThreadSafetyChecks(options.ThreadSafetyChecks)
                    .AddInterceptors(settings, new SqliteWriteGate()));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
                if (options.SqliteBackgroundCheckpoints)
                {
                    services.AddHostedService(sp => new SqliteCheckpointer(sqlite,
                        sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SqliteCheckpointer>>()));
                }
                break;
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is SqlServer but Database:ConnectionString is empty.");
                }
                services.AddDbContextPool<SqlServerAppDbContext>(o => o
                    .UseSqlServer(options.ConnectionString, s => s.EnableRetryOnFailure())
                    .EnableThreadSafetyChecks(options.ThreadSafetyChecks));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqlServerAppDbContext>());
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{options.Provider}'.");
        }
        services.AddScoped<Drafts.DraftStore>(); // the one reader and writer of payment drafts
        return services;
    }

    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var folder = Path.Combine(contentRoot, "data");
        Directory.CreateDirectory(folder);
        // Private cache (the default), not Cache=Shared: a shared cache locks whole tables between connections and
        // answers SQLITE_LOCKED, which the busy timeout does not cover (Microsoft.Data.Sqlite retries every 150 ms).
        return $"Data Source={Path.Combine(folder, "customerportal.db")};Pooling=True";
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the web host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>
/// Lets <c>dotnet ef</c> build the SQL Server context without a server (migrations and scripts only).
/// </summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public SqlServerAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=localhost;Database=CustomerPortal;"
                + "Trusted_Connection=False;TrustServerCertificate=True")
            .Options);
}
