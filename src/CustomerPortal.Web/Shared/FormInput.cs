using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace CustomerPortal.Web.Shared;

/// <summary>
/// Posted forms the portal cannot read are answered 400 with the error page saying what was wrong, rather than a page
/// saying "Something went wrong" or an action that runs on with a default value:
/// every form whose text cannot be decoded (a NUL character), by <see cref="UnreadableFormFilter"/>; and, where an
/// action asks with <see cref="RefuseUnreadableNumbersAttribute"/>, a field of a number or yes/no that is neither.
/// </summary>
public static partial class FormInput
{
    public static IServiceCollection AddFormInputRules(this IServiceCollection services) =>
        services.Configure<MvcOptions>(o => o.Filters.Add(new UnreadableFormFilter()));

    /// <summary>The error page, 400, with <paramref name="message"/>.</summary>
    public static IActionResult Refused(HttpContext http, string message) => new ViewResult
    {
        ViewName = "Error",
        StatusCode = StatusCodes.Status400BadRequest,
        ViewData = new ViewDataDictionary<ErrorPage>(http.RequestServices.GetRequiredService<IModelMetadataProvider>(),
            new ModelStateDictionary()) { Model = new ErrorPage(StatusCodes.Status400BadRequest, message) },
    };

    [GeneratedRegex(@"\[\d*\]")]
    internal static partial Regex CollectionIndex();
}

/// <summary>
/// Reads every posted form before anything else does (antiforgery would read it first, fail, and leave a bare 400):
/// one that cannot be decoded is answered with a page that says why.
/// </summary>
public sealed class UnreadableFormFilter : IAsyncAuthorizationFilter, IOrderedFilter
{
    /// <summary>Before the antiforgery check (order 1000).</summary>
    public int Order => -1000;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        var request = http.Request;
        // The error page run again for a request keeps its form, and has its own answer to give (404, say).
        if (!request.HasFormContentType || http.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || http.Features.Get<IExceptionHandlerFeature>() is not null)
            return;
        try
        {
            await request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            // The form decoder's refusal (a NUL character) comes wrapped; the size limits' refusals do not.
            context.Result = FormInput.Refused(http, ex.InnerException is not null
                ? "The form contained characters that are not allowed (such as a NUL character). " +
                  "Go back, remove them and send it again."
                : "The form was too large to read. Go back and send it again.");
        }
    }
}

/// <summary>
/// For forms whose numbers the page itself writes (a draft revision, the amount the page showed, the table position):
/// a posted field of a number or yes/no type whose text is not one is answered 400 naming the field, rather than the
/// action running on with 0 (which the Pay button answered as "your selection changed"). GETs are left alone: a
/// hand-edited link falls back to the defaults as before.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RefuseUnreadableNumbersAttribute : Attribute, IActionFilter
{
    public void OnActionExecuting(ActionExecutingContext context)
    {
        var method = context.HttpContext.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return;
        var problems = new List<string>();
        foreach (var (key, entry) in context.ModelState)
        {
            if (entry.ValidationState != ModelValidationState.Invalid) continue;
            var field = FormInput.CollectionIndex().Replace(key, "");
            field = field[(field.LastIndexOf('.') + 1)..];
            var expected = FieldType(context.ActionDescriptor.Parameters, field) switch
            {
                { } t when t == typeof(bool) => "true or false",
                { } t when t == typeof(int) || t == typeof(long) => "a whole number",
                { } t when t == typeof(decimal) || t == typeof(double) => "a number",
                _ => null,
            };
            if (expected is null) continue;
            problems.Add($"{field} should be {expected}, not '{Shorten(entry.AttemptedValue)}'");
        }
        if (problems.Count > 0)
        {
            context.Result = FormInput.Refused(context.HttpContext,
                $"The form could not be read: {string.Join("; ", problems)}. Reload the page and try again.");
        }
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    /// <summary>The type a form field binds to: an action parameter of that name, or a property of a class.</summary>
    private static Type? FieldType(IList<ParameterDescriptor> parameters, string field)
    {
        foreach (var parameter in parameters)
        {
            var name = parameter.BindingInfo?.BinderModelName ?? parameter.Name;
            var declared = parameter.ParameterType;
            var type = string.Equals(name, field, StringComparison.OrdinalIgnoreCase) ? declared
                : declared.IsClass && declared != typeof(string)
                    ? declared.GetProperties()
                        .FirstOrDefault(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase))?.PropertyType
                    : null;
            if (type is null) continue;
            if (type.IsArray) type = type.GetElementType()!;
            return Nullable.GetUnderlyingType(type) ?? type;
        }
        return null;
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length > 30 ? value[..30] + "…" : value;
}
