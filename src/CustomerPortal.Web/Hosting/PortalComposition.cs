using Microsoft.AspNetCore.RateLimiting;
using System.Threading.RateLimiting;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Infrastructure.Seeding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Serilog;
using CustomerPortal.Web.Shared;
using Serilog.Formatting.Compact;

namespace CustomerPortal.Web.Hosting;

/// <summary>The composition root: services, middleware order and start-up tasks, in one place.</summary>
public static class PortalComposition
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        // preserveStaticLogger: the host gets its own logger and never freezes the static bootstrap logger, so several
        // hosts in one process (the tests) cannot collide on it.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: (sp, lc) =>
        {
            // Quiet framework defaults first, so configuration (Serilog:MinimumLevel:Override:…) can still raise them,
            // e.g. Microsoft.EntityFrameworkCore.Database.Command=Information to see the SQL.
            lc.MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
              .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
              .ReadFrom.Configuration(config)
              .Enrich.FromLogContext();
            if (builder.Environment.IsDevelopment())
            {
                lc.WriteTo.Console(outputTemplate:
                    "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}{Exception}");
            }
            else lc.WriteTo.Console(new RenderedCompactJsonFormatter());
            foreach (var sink in sp.GetServices<ILogSinkContributor>()) sink.Contribute(lc);
        });

        var dbOptions = config.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(dbOptions);
        services.AddSingleton(ProductionSafety.Check(config, builder.Environment, dbOptions));
        services.AddPortalDatabase(dbOptions, builder.Environment.ContentRootPath);
        services.AddSingleton(TimeProvider.System);

        // Keys survive restarts so sign-in cookies and antiforgery tokens stay valid; every node on the database
        // shares them.
        services.AddPortalDataProtection(config);

        services.AddIdentity<PortalUser, IdentityRole>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.Password.RequiredLength = 10;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            // A signed-in user who may not open a page gets 403 and the portal's styled refusal page (status code
            // pages), not a redirect that hides the status from scripts and tests.
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Cookie.Name = "cp.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        // Outside Development every cookie (sign-in, antiforgery, view-as) is Secure whatever the request's scheme:
        // behind a proxy that ends TLS the portal may see http, and a cookie set then would also go over plain http.
        services.Configure<CookiePolicyOptions>(o =>
            o.Secure = builder.Environment.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "cp.af";
            o.HeaderName = "X-CSRF-TOKEN";
        });

        // Every page needs a signed-in user unless it says [AllowAnonymous].
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(PortalPolicies.Staff, p => p.RequireRole(Roles.Staff));

        services.AddControllersWithViews(o => o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()));
        services.AddProblemDetails();
        services.AddHttpContextAccessor();

        var permits = config.GetValue("RateLimiting:SignInPermitsPerMinute", 10);
        // The Make a Payment page and its actions are CPU and database work (no calls to other services): run a few at
        // once and queue the rest in arrival order. Without it, under load, every request shares the cores with all the
        // others and the unlucky ones wait several times longer than the rest (the p99 was 2–2.5× the median); in
        // arrival order a request waits for the ones before it and no longer. On SQLite (in process, no waiting on a
        // server) one per core: two per core still let requests take turns on a core (p99 ≈ 2.2× the median against ≈
        // 1.7×, see docs/benchmarks.md). On SQL Server a request also waits on the network, so two per core keep the
        // cores busy. The queue is long (a burst waits, it is not refused); 0 turns this off.
        var pageConcurrency = config.GetValue("RateLimiting:PayPageConcurrency",
            Environment.ProcessorCount * (dbOptions.Provider == DatabaseProvider.Sqlite ? 1 : 2));
        var pageQueue = config.GetValue("RateLimiting:PayPageQueue", 2000);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PortalPolicies.PayPageConcurrency, _ => pageConcurrency <= 0
                ? RateLimitPartition.GetNoLimiter("pay-page")
                : RateLimitPartition.GetConcurrencyLimiter("pay-page", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = pageConcurrency,
                    QueueLimit = pageQueue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
            o.AddPolicy(PortalPolicies.SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                }));
            // Browsers get the portal's styled error page (ErrorPage), the page's script a line of text.
            o.OnRejected = async (ctx, ct) =>
            {
                var http = ctx.HttpContext;
                if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName
                    == PortalPolicies.PayPageConcurrency)
                {
                    http.Response.Headers.RetryAfter = "1";
                    await ErrorPage.RefuseAsync(http, StatusCodes.Status503ServiceUnavailable,
                        "The portal is very busy. Nothing was changed; try again in a moment.", ct);
                    return;
                }
                var retryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? (int)Math.Ceiling(after.TotalSeconds)
                    : 60;
                http.Response.Headers.RetryAfter =
                    retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ErrorPage.RefuseAsync(http, StatusCodes.Status429TooManyRequests,
                    $"Too many sign-in attempts. Try again in {retryAfter} seconds.", ct);
            };
        });

        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database", tags: ["ready"]);

        services.AddTrustedProxies(config);

        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<ICustomerContext, CustomerContext>();
        services.AddSingleton<IViewAsState, NoViewAs>();

        services.AddPortalFeatures(config);
        return builder;
    }

    public static async Task PreparePortalAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<DatabaseOptions>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (options.ApplyMigrationsOnStart)
        {
            await db.Database.MigrateAsync();
        }
        if (options.SeedDemoData && await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync())
        {
            Log.Information("Demo data seeded. Sign in with password {Password} as:", DemoAccounts.Password);
            foreach (var (email, who) in DemoAccounts.All) Log.Information("  {Email} — {Who}", email, who);
        }
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseSerilogRequestLogging(o =>
        {
            // The host's own logger (configuration levels, JSON outside Development): without this the middleware
            // writes every request through the static bootstrap logger — as text, at Information, synchronously to the
            // console.
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.EnrichDiagnosticContext = (diag, http) =>
            {
                if (http.User.Identity?.IsAuthenticated == true)
                {
                    diag.Set("UserId",
                        http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value);
                }
            };
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") })
            .AllowAnonymous();
        app.MapPortalFeatures();
        app.MapControllers();
        return app;
    }
}

/// <summary>Lets a feature (or a test) add a Serilog sink without touching the composition root.</summary>
public interface ILogSinkContributor
{
    void Contribute(LoggerConfiguration configuration);
}
