#include "training/recipe_model.h"

#include "common/format.h"

namespace airbench::ui {

RecipeModel::RecipeModel(QObject* parent) : QAbstractTableModel(parent) {}

int RecipeModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(recipes().size());
}

int RecipeModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const Recipe& RecipeModel::recipeAt(int row) const {
    return recipes().at(static_cast<size_t>(row));
}

int RecipeModel::rowOf(const QString& name) const {
    const std::string wanted = name.toStdString();
    for (int row = 0; row < rowCount(); ++row) {
        if (recipeAt(row).name == wanted) {
            return row;
        }
    }
    return -1;
}

QVariant RecipeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const Recipe& r = recipeAt(index.row());
    const ReferenceFigures& ref = r.reference;
    switch (role) {
        case NameRole:
            return QString::fromStdString(r.name);
        case Qt::DisplayRole:
            switch (index.column()) {
                case NameColumn:
                    return QString::fromStdString(r.name);
                case AccuracyColumn:
                    return formatPercent(ref.accuracy);
                case TimeColumn:
                    return ref.card.empty() ? formatSeconds(ref.seconds)
                                            : tr("%1 (%2)").arg(formatSeconds(ref.seconds),
                                                                QString::fromStdString(ref.card));
                case DescriptionColumn:
                    return QString::fromStdString(r.description);
            }
            break;
        case Qt::ToolTipRole:
            return tr("<b>%1</b><br>%2<br>Reference: %3 mean over %4 runs, %5 PFLOP per run")
                .arg(QString::fromStdString(r.title).toHtmlEscaped(),
                     QString::fromStdString(r.description).toHtmlEscaped(),
                     formatReference(ref).toHtmlEscaped())
                .arg(ref.runs)
                .arg(ref.pflop);
        case Qt::TextAlignmentRole:
            if (index.column() == AccuracyColumn || index.column() == TimeColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            break;
    }
    return {};
}

QVariant RecipeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case NameColumn:
            return tr("Recipe");
        case AccuracyColumn:
            return tr("Ref. accuracy");
        case TimeColumn:
            return tr("Ref. time");
        case DescriptionColumn:
            return tr("Description");
    }
    return {};
}

}  // namespace airbench::ui
