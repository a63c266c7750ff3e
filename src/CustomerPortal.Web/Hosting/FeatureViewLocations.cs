using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Razor;

namespace CustomerPortal.Web.Hosting;

/// <summary>
/// Views live with their feature: a controller in namespace <c>CustomerPortal.Web.Features.{Feature}</c> finds its
/// views in <c>/Features/{Feature}/Views/{view}.cshtml</c>, and then the layout and shared partials in
/// <c>/Views/Shared/</c>. That replaces MVC's <c>/Views/{controller}/</c>, so a view has one place to be.
/// </summary>
public sealed class FeatureViewLocations : IViewLocationExpander
{
    private const string FeatureKey = "feature";
    private const string FeaturesNamespace = "CustomerPortal.Web.Features.";

    public static string? FeatureOf(Type controller) =>
        controller.Namespace is { } ns && ns.StartsWith(FeaturesNamespace, StringComparison.Ordinal)
            ? ns[FeaturesNamespace.Length..].Split('.')[0]
            : null;

    /// <summary>The feature is part of the view cache's key (two features may have controllers of one name).</summary>
    public void PopulateValues(ViewLocationExpanderContext context)
    {
        if (context.ActionContext.ActionDescriptor is ControllerActionDescriptor action
            && FeatureOf(action.ControllerTypeInfo) is { } feature)
        {
            context.Values[FeatureKey] = feature;
        }
    }

    public IEnumerable<string> ExpandViewLocations(
        ViewLocationExpanderContext context, IEnumerable<string> viewLocations)
    {
        // {0} is the view name, {1} the controller's: the controller folders are not used.
        var shared = viewLocations.Where(l => !l.Contains("{1}", StringComparison.Ordinal));
        return context.Values.TryGetValue(FeatureKey, out var feature) && feature is not null
            ? shared.Prepend($"/Features/{feature}/Views/{{0}}.cshtml")
            : shared;
    }
}

public static class FeatureViewsRegistration
{
    public static IServiceCollection AddFeatureViews(this IServiceCollection services) =>
        services.Configure<RazorViewEngineOptions>(o => o.ViewLocationExpanders.Add(new FeatureViewLocations()));
}
