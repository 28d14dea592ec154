using System.Reflection;
using System.Text;
using Converters.Ir;
using Converters.Testing;

namespace Converters.Abstractions.Tests;

/// <summary>
/// The contract shared with plugins (Converters.Ir and Converters.Abstractions) is locked: any
/// change to its public surface shows up as a reviewed diff of Approvals/*.approved.txt. After an
/// intended change, rerun with CONVERTERS_UPDATE_APPROVALS=1 and review the diff. A breaking change
/// also needs a new major AssemblyVersion of Converters.Abstractions (plugins are checked against it).
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("Converters.Ir")]
    [InlineData("Converters.Abstractions")]
    public void PublicApi_IsUnchanged(string assemblyName)
    {
        // Given
        Assembly assembly = assemblyName == "Converters.Ir" ? typeof(Model).Assembly : typeof(IModelFormat).Assembly;
        string approvedPath = RepositoryPaths.Combine("tests", "Converters.Abstractions.Tests", "Approvals", $"{assemblyName}.approved.txt");

        // When
        string actual = Dump(assembly);

        // Then
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : string.Empty;
        if (actual != approved && Environment.GetEnvironmentVariable("CONVERTERS_UPDATE_APPROVALS") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            return;
        }

        actual.ShouldBe(approved, $"the public API of {assemblyName} changed; review it, then rerun with CONVERTERS_UPDATE_APPROVALS=1");
    }

    private static string Dump(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(Kind(type)).Append(' ').Append(Name(type));
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
            {
                sb.Append(" : ").Append(Name(baseType));
            }

            sb.Append('\n');
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = new List<string>();
            foreach (MemberInfo member in type.GetMembers(Flags))
            {
                string? line = member switch
                {
                    ConstructorInfo c => $".ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m)})",
                    MethodInfo m when m.Name.StartsWith("op_", StringComparison.Ordinal) => $"static {Name(m.ReturnType)} {m.Name}({Parameters(m)})",
                    PropertyInfo p => $"{((p.GetMethod ?? p.SetMethod)!.IsStatic ? "static " : string.Empty)}{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : string.Empty)} }}",
                    FieldInfo f when type.IsEnum && f.IsStatic => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
                    FieldInfo f when f.IsSpecialName => null,
                    FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                    EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null)
                {
                    members.Add(line);
                }
            }

            foreach (string line in members.Order(StringComparer.Ordinal))
            {
                sb.Append("    ").Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";

    private static string Generic(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{(p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : string.Empty)}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (type.IsGenericType)
        {
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}
