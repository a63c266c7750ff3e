namespace CustomerPortal.Web.Shared;

/// <summary>
/// An answer of the back-office API that is not a success, thrown by a feature service and written by
/// <see cref="ApiErrorFilter"/> as an RFC 9457 problem-details body. <see cref="Errors"/> maps JSON field paths
/// ("lines[0].amountCents", "invoices[3].totalCents") to plain messages.
/// </summary>
public sealed class ApiProblem(
    int status, string title, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    public static ApiProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static ApiProblem Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ApiProblem Unprocessable(string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "The request breaks a rule", detail);

    public static ApiProblem Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "The request is not valid", message,
            new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblem TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "The request body is too large",
            $"The most this API accepts in one request is {limit:N0} bytes.");

    public IResult ToResult()
    {
        var extensions = new Dictionary<string, object?>(Extensions);
        if (Errors is { Count: > 0 })
        {
            return Results.ValidationProblem(Errors.ToDictionary(e => e.Key, e => e.Value), Detail,
                statusCode: Status, title: Title, extensions: extensions);
        }
        return TypedResults.Problem(Detail, statusCode: Status, title: Title, extensions: extensions);
    }
}

/// <summary>How serious a per-field error is; the answer's status is that of the most serious one.</summary>
public enum ApiErrorKind
{
    Unprocessable = 0,
    Conflict = 1,
    Invalid = 2,
}

/// <summary>
/// Collects per-field errors of one request (or one batch) and turns them into one <see cref="ApiProblem"/>.
/// </summary>
public sealed class ApiErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private ApiErrorKind? _worst;

    public bool Any => _errors.Count > 0;
    public IEnumerable<string> Fields => _errors.Keys;

    public void Add(string field, string message, ApiErrorKind kind = ApiErrorKind.Invalid)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        if (_worst is null || kind > _worst) _worst = kind;
    }

    public void Conflict(string field, string message) => Add(field, message, ApiErrorKind.Conflict);

    public void Rule(string field, string message) => Add(field, message, ApiErrorKind.Unprocessable);

    public bool HasErrorsUnder(string prefix) => _errors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));

    public ApiProblem ToProblem(string? detail = null)
    {
        var (status, title) = _worst switch
        {
            ApiErrorKind.Invalid => (StatusCodes.Status400BadRequest, "The request is not valid"),
            ApiErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            _ => (StatusCodes.Status422UnprocessableEntity, "The request breaks a rule"),
        };
        var summary = detail
            ?? (_errors.Count == 1 ? _errors.Values.First()[0] : $"{_errors.Count} fields have problems; see errors.");
        return new ApiProblem(status, title, summary, _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    public void ThrowIfAny(string? detail = null)
    {
        if (Any) throw ToProblem(detail);
    }
}
