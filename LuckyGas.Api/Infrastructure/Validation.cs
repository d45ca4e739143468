namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Collects invalid fields of a request, each with a message that states what is expected, and
/// turns them into a 400 validation problem.
/// </summary>
public sealed class Validation
{
    /// <summary>The title of every 400 problem that lists invalid fields.</summary>
    public const string ProblemTitle = "The request has invalid fields.";

    /// <summary>The detail of every 400 problem that lists invalid fields.</summary>
    public const string ProblemDetail = "Correct the fields listed in 'errors' and send the request again.";

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether no field is invalid.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>Records that <paramref name="field"/> is invalid, with what is expected, once per message.</summary>
    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors[field] = messages;
        }

        if (!messages.Contains(message, StringComparer.Ordinal))
        {
            messages.Add(message);
        }

        return this;
    }

    /// <summary>Records an error for <paramref name="field"/> when <paramref name="condition"/> is false.</summary>
    public Validation Require(bool condition, string field, string message) =>
        condition ? this : Add(field, message);

    /// <summary>
    /// Records an error for <paramref name="field"/> unless its query <paramref name="value"/> is
    /// absent or names a member of <typeparamref name="TEnum"/>. Query binding would also accept
    /// numbers, even undefined ones such as 999, and lists such as "Pending,Delivered".
    /// </summary>
    public Validation RequireEnumName<TEnum>(string field, string? value) where TEnum : struct, Enum =>
        Require(
            value is null || Enum.GetNames<TEnum>().Contains(value.Trim(), StringComparer.OrdinalIgnoreCase),
            field,
            $"{field} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");

    /// <summary>Returns the 400 response that lists every invalid field.</summary>
    public IResult ToProblem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()),
        title: ProblemTitle,
        detail: ProblemDetail);
}
