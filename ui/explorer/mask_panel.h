#pragma once
// Masks of the training set in use: the list (size, share, class range), the chosen mask's
// examples per class as bars, and the ways to make one (a score quantile, a seeded random
// fraction, a set of classes, the grid's selection, a mask or index file), to combine two (union,
// intersection, difference, complement), to save and load them, and to train on one.
// Engine errors (a mask made for another dataset, a corrupted file) are shown in the panel and
// reported through errorOccurred for the window's banner.

#include "analysis/analysis_types.h"

#include <QWidget>

#include <functional>
#include <set>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableView;

namespace airbench::ui {

class ClassCountChart;
class MaskListModel;

class MaskPanel : public QWidget {
    Q_OBJECT

public:
    enum class Source { LowestScores, HighestScores, Random, Classes, Selection, File };
    enum class Operation { Union, Intersection, Difference, Complement };

    explicit MaskPanel(QWidget* parent = nullptr);

    MaskListModel* model() const { return model_; }
    ClassCountChart* chart() const { return chart_; }
    QComboBox* sourceBox() const { return source_; }
    QDoubleSpinBox* fractionBox() const { return fraction_; }
    QSpinBox* seedBox() const { return seed_; }
    QListWidget* classList() const { return classes_; }
    QPushButton* createButton() const { return create_; }
    QComboBox* firstOperandBox() const { return first_; }
    QComboBox* operationBox() const { return operation_; }
    QComboBox* secondOperandBox() const { return second_; }
    QPushButton* combineButton() const { return combine_; }
    QPushButton* trainButton() const { return train_; }
    QString message() const;

    // The training examples in use (masks are made for them, with their hash).
    void setContext(const DataContext& context);
    // Training-set scores for quantile masks: the explorer's chosen score.
    void setScoreValues(std::vector<float> values, const QString& scoreName);
    // The grid's selected training examples (called when a mask is made from the selection).
    void setSelectionProvider(std::function<std::vector<int64_t>()> provider);

    int currentRow() const;
    void setCurrentRow(int row);
    MaskPtr currentMask() const;

    // Each returns the new mask's row, or -1 after showing why not.
    int createFromQuantile(double fraction, bool lowest, const QString& name = {});
    int createRandom(double fraction, uint64_t seed, const QString& name = {});
    int createFromClasses(const std::set<int64_t>& classes, const QString& name = {});
    int createFromSelection(const QString& name = {});
    int addMask(Mask mask);  // e.g. the selection experiment's
    int combine(int first, Operation operation, int second = -1);
    // A mask JSON file (Mask::load, refused for other examples or when corrupted) or a text
    // file of indices.
    int loadFile(const QString& path);
    bool saveMask(int row, const QString& path);

public slots:
    void createFromForm();
    void combineFromForm();
    void loadWithDialog();
    void saveWithDialog();
    void removeCurrent();
    void trainOnCurrent();
    void setTrainingEnabled(bool enabled);

signals:
    void errorOccurred(const QString& message);
    void trainRequested(const airbench::ui::MaskPtr& mask);
    void masksChanged();

private:
    // The data the masks are for: the model's (one copy of it).
    const DataContext& context() const;
    void showMessage(const QString& text, bool error = false);
    void fail(const QString& message);
    void updateChart();
    void updateForm();
    QString withName(const QString& name, const QString& fallback) const;

    MaskListModel* model_;
    std::vector<float> scoreValues_;
    QString scoreName_;
    std::function<std::vector<int64_t>()> selection_;
    bool trainingEnabled_ = true;

    QTableView* table_;
    ClassCountChart* chart_;
    QLabel* message_;
    QComboBox* source_;
    QLineEdit* name_;
    QDoubleSpinBox* fraction_;
    QSpinBox* seed_;
    QListWidget* classes_;
    QPushButton* create_;
    QComboBox* first_;
    QComboBox* operation_;
    QComboBox* second_;
    QPushButton* combine_;
    QPushButton* load_;
    QPushButton* save_;
    QPushButton* remove_;
    QPushButton* train_;
};

}  // namespace airbench::ui
