namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Collects invalid fields of a request, each with a message that states what is expected, and
/// turns them into a 400 validation problem.
/// </summary>
public sealed class Validation
{
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

    /// <summary>Returns the 400 response that lists every invalid field.</summary>
    public IResult ToProblem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()),
        title: "The request has invalid fields.",
        detail: "Correct the fields listed in 'errors' and send the request again.");
}
