namespace LuckyGas.Web.Api;

/// <summary>Why a call to the API did not return what was asked for.</summary>
public enum ApiFailure
{
    /// <summary>The call succeeded.</summary>
    None,

    /// <summary>The API rejected the request, with problem details (a 4xx).</summary>
    Rejected,

    /// <summary>The token expired or was revoked: the user must sign in again.</summary>
    SignedOut,

    /// <summary>The API could not be reached, timed out or failed with a 5xx.</summary>
    Unavailable,
}

/// <summary>The outcome of one API call: a value, or the failure and the API's problem details.</summary>
// Static factories on the generic type read best at call sites: ApiResult<T>.Ok(value).
#pragma warning disable CA1000
public sealed record ApiResult<T>(T? Value, ApiFailure Failure, ApiProblem? Problem)
{
    /// <summary>Whether the call returned a value.</summary>
    public bool IsSuccess => Failure == ApiFailure.None;

    /// <summary>Returns a successful result.</summary>
    public static ApiResult<T> Ok(T value) => new(value, ApiFailure.None, null);

    /// <summary>Returns a failed result.</summary>
    public static ApiResult<T> Failed(ApiFailure failure, ApiProblem? problem = null) => new(default, failure, problem);
}
#pragma warning restore CA1000

/// <summary>The RFC 9457 problem details of a rejected request.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Title">The problem's summary.</param>
/// <param name="Detail">What went wrong and what to do, when the API states it.</param>
/// <param name="Errors">The invalid fields by name, such as <c>lines[0].quantity</c>, with their messages.</param>
public sealed record ApiProblem(
    int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>Returns the messages for one field, or an empty list.</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>Returns the messages for one field joined for display, or null when it has none.</summary>
    public string? TextFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
