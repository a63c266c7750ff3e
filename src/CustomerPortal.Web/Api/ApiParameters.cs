using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api;

/// <summary>
/// One rule for every number in an API path or query string (<c>after</c>, <c>limit</c>, <c>{methodId}</c>, …): a value
/// that cannot be read as its type (<c>abc</c>, <c>1e3</c>, more digits than fit) is answered 400 with problem details
/// naming the parameter, before the endpoint runs. Left to ASP.NET Core, such a request gets a 400 with an empty body.
/// Added to the whole API group, so a new endpoint is covered without a line of its own.
/// </summary>
public static class ApiParameters
{
    private sealed record Rule(string Name, Func<string, bool> Reads, string Expected);

    public static EndpointFilterDelegate Check(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var rules = context.MethodInfo.GetParameters().Select(RuleFor).OfType<Rule>().ToArray();
        if (rules.Length == 0) return next;
        return invocation =>
        {
            var request = invocation.HttpContext.Request;
            var errors = new ApiErrors();
            foreach (var rule in rules)
            {
                var raw = request.RouteValues.TryGetValue(rule.Name, out var route) ? route?.ToString()
                    : request.Query.TryGetValue(rule.Name, out var query) ? query.ToString() : null;
                if (string.IsNullOrEmpty(raw) || rule.Reads(raw)) continue;
                var shown = ApiValidation.Shorten(raw);
                errors.Add(rule.Name, $"'{shown}' cannot be read as {rule.Name}: send {rule.Expected}.");
            }
            return errors.Any ? ValueTask.FromResult<object?>(errors.ToProblem().ToResult()) : next(invocation);
        };
    }

    /// <summary>A parameter bound from the path or the query string, of a type read from text (int, long, …).</summary>
    private static Rule? RuleFor(ParameterInfo parameter)
    {
        if (parameter.GetCustomAttributes().Any(a =>
                a is IFromBodyMetadata or IFromHeaderMetadata or IFromServiceMetadata or IFromFormMetadata))
            return null;
        var attributes = parameter.GetCustomAttributes().ToList();
        var name = attributes.OfType<IFromQueryMetadata>().FirstOrDefault()?.Name
            ?? attributes.OfType<IFromRouteMetadata>().FirstOrDefault()?.Name ?? parameter.Name;
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (!type.IsValueType || !Implements(type, typeof(IParsable<>))) return null;
        var reads = typeof(ApiParameters).GetMethod(nameof(Reads), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).CreateDelegate<Func<string, bool>>();
        var max = type.GetField("MaxValue", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        var expected = Implements(type, typeof(System.Numerics.IBinaryInteger<>)) && max is IFormattable m
            ? $"a whole number written in digits, at most {m.ToString(null, CultureInfo.InvariantCulture)}"
            : $"a {type.Name} value";
        return name is null ? null : new Rule(name, reads, expected);
    }

    /// <summary>
    /// Whether <paramref name="type"/> is a <paramref name="generic"/> of itself (IParsable of long, say).
    /// </summary>
    private static bool Implements(Type type, Type generic) => type.GetInterfaces()
        .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic && i.GenericTypeArguments[0] == type);

    // The same reading as ASP.NET Core's binding of these parameters: the type's TryParse with the invariant culture.
    private static bool Reads<T>(string text) where T : IParsable<T> =>
        T.TryParse(text, CultureInfo.InvariantCulture, out _);
}
