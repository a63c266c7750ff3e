using CustomerPortal.Domain.Staff;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerPortal.Web.Features.Staff;

/// <summary>Plugs the staff feature (view-as, read-only guard, audit, staff pages) into the portal.</summary>
public static class StaffFeature
{
    public static IServiceCollection AddStaffFeature(this IServiceCollection services)
    {
        services.AddSingleton<ViewAsCookie>();
        services.AddSingleton<StaffAudit>();
        services.AddScoped<StaffQueries>();
        services.Replace(ServiceDescriptor.Singleton<IViewAsState, ViewAsState>());

        // A view-as never outlives the agent's sign-in: signing in drops any old view-as cookie, signing out ends
        // (and audits) the one in progress.
        services.ConfigureApplicationCookie(o =>
        {
            var signingIn = o.Events.OnSigningIn;
            var signingOut = o.Events.OnSigningOut;
            o.Events.OnSigningIn = ctx =>
            {
                ctx.HttpContext.RequestServices.GetRequiredService<ViewAsCookie>().Clear(ctx.HttpContext);
                return signingIn(ctx);
            };
            o.Events.OnSigningOut = async ctx =>
            {
                var http = ctx.HttpContext;
                if (ViewAsSession.Of(http) is { } session)
                {
                    await http.RequestServices.GetRequiredService<StaffAudit>()
                        .WriteAsync(http, session, AuditAction.ViewAsEnded, note: "signed out");
                }
                http.RequestServices.GetRequiredService<ViewAsCookie>().Clear(http);
                await signingOut(ctx);
            };
        });
        return services;
    }

    /// <summary>Adds <see cref="ViewAsMiddleware"/> after authorization, before any endpoint runs.</summary>
    public static WebApplication MapStaffFeature(this WebApplication app)
    {
        app.UseMiddleware<ViewAsMiddleware>();
        return app;
    }
}
