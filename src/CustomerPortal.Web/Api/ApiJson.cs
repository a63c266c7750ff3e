using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api;

/// <summary>Configuration section "Api".</summary>
public sealed class BackOfficeApiOptions
{
    public const string Section = "Api";

    /// <summary>The largest request body accepted, in bytes (a batch of 1,000 invoices is well under 2 MB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Development only: the secret the demo API key of each company is derived from.</summary>
    public string? DemoKey { get; set; }
}

/// <summary>
/// Reads request bodies strictly: JSON only, within the size limit, money as JSON integers (a string, a fraction or
/// a number beyond 64 bits is refused with the field's path), no key twice in one object, and every problem reported
/// as problem details.
/// </summary>
public sealed class ApiJson(IOptions<BackOfficeApiOptions> options)
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
        // Otherwise the last of two "customerId"s wins, and what the back office checked is not what is saved.
        AllowDuplicateProperties = false,
    };

    public long Limit => options.Value.MaxRequestBodyBytes;

    public async Task<T> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        var request = http.Request;
        if (!(request.HasJsonContentType()))
        {
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json.");
        }
        if (request.ContentLength > Limit) throw ApiProblem.TooLarge(Limit);
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = Limit;

        byte[] body;
        try
        {
            body = await ReadCappedAsync(request.Body, Limit, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw ApiProblem.TooLarge(Limit);
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(body, Options);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            throw ApiProblem.Invalid(field, MessageFor(field, ex));
        }
        return value ?? throw ApiProblem.Invalid("$", "A JSON object is required as the request body.");
    }

    private static async Task<byte[]> ReadCappedAsync(Stream stream, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw ApiProblem.TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>"$.invoices[3].lines[0].amountCents" → "invoices[3].lines[0].amountCents".</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string MessageFor(string field, JsonException ex)
    {
        var name = field[(field.LastIndexOf('.') + 1)..];
        // System.Text.Json gives no code for this, only its message (ApiInputTests would notice a change).
        if (ex.Message.StartsWith("Duplicate propert", StringComparison.Ordinal))
            return $"The key '{name}' appears more than once in this object (keys match ignoring case); send it once.";
        if (name.EndsWith("Cents", StringComparison.Ordinal))
            return "Money is a whole number of cents, written as a JSON integer (12550 for $125.50).";
        if (name.EndsWith("Date", StringComparison.Ordinal))
            return "Write the date as text like \"2026-11-26\".";
        if (name == "quantity") return "The quantity must be a JSON number.";
        return ex.LineNumber is null
            ? "The body is not valid JSON."
            : $"The value is not valid here (line {ex.LineNumber + 1}).";
    }
}
